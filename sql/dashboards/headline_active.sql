-- The overview's active-shooter headline: linked incidents that the FBI lists as an
-- active shooter incident or ALERRT as an active attack (incidents.fbi_active_shooter,
-- incidents.alerrt_active_attack), each counted once however many records it has, with
-- its best-estimate victims killed and injured, and how many are on both lists. Same
-- columns as headline_figures.sql; the pseudo-source is 'linked_active'.
WITH active AS (
    SELECT * FROM incidents WHERE fbi_active_shooter OR alerrt_active_attack
),
figures AS (
    SELECT 'incidents' AS figure, count(*)::DOUBLE AS value, count(*) AS n_known,
           count(*) AS n, 'incidents' AS unit FROM active
    UNION ALL
    SELECT 'killed', sum(killed)::DOUBLE, count(killed), count(*), 'victims' FROM active
    UNION ALL
    SELECT 'injured', sum(injured)::DOUBLE, count(injured), count(*), 'victims' FROM active
    UNION ALL
    SELECT 'on_both_lists', count(*) FILTER (WHERE fbi_active_shooter AND alerrt_active_attack),
           count(*), count(*), 'incidents' FROM active
)
SELECT figure, 'linked_active' AS source, value, n_known, n,
       NULL::DOUBLE AS ci_low, NULL::DOUBLE AS ci_high, unit,
       'Incidents the FBI lists as an active shooter incident or ALERRT lists as an active '
       || 'attack, the two lists'' records linked so that an attack on both is counted once.'
           AS definition,
       (SELECT strftime(max(incident_date), '%Y-%m-%d') FROM active) AS as_of
FROM figures
