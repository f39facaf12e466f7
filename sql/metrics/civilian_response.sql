-- Attacks stopped by civilians (including security guards and off-duty
-- officers on the scene, stopped_by off_duty_police), by location type, with the kind of response
-- read from the source's own words for the outcome. Only sources that record
-- civilian stops at all are included: AP and Stanford, whose outcome categories
-- cannot express one, would otherwise show a false 0%.
CREATE TABLE metric_civilian_response AS
WITH base AS (
    SELECT
        source, location_type, stopped_by,
        CASE
            WHEN stopped_by NOT IN ('civilian', 'security', 'off_duty_police') THEN NULL
            WHEN stopped_by = 'off_duty_police'
                OR lower(attacker_outcome_raw) SIMILAR TO '.*off[- ]duty.*' THEN 'off_duty_officer'
            WHEN stopped_by = 'security' OR lower(attacker_outcome_raw) LIKE '%security%'
                OR lower(attacker_outcome_raw) LIKE '%resource officer%'
                THEN 'security_guard'
            WHEN lower(attacker_outcome_raw) SIMILAR TO
                 '.*(shot by civilian|shot by citizen|armed intervention|who killed shooter on scene 4).*'
                THEN 'armed_civilian'
            WHEN lower(attacker_outcome_raw) SIMILAR TO
                 '.*(physical|subdued|verbal|intervention|automobile).*'
                THEN 'unarmed_intervention'
            ELSE 'other_civilian'
        END AS response
    FROM source_records
    WHERE source IN (SELECT source FROM source_records GROUP BY 1
                     HAVING count(*) FILTER (stopped_by IN ('civilian', 'security',
                                                           'off_duty_police')) > 0)
),
grouped AS (
    SELECT source, 'all' AS location_type, stopped_by, response FROM base
    UNION ALL
    SELECT source, location_type, stopped_by, response FROM base
)
SELECT
    source, location_type,
    count(*) AS n,
    count(*) FILTER (stopped_by <> 'unknown') AS n_known,
    count(response) AS stopped_by_civilians,
    count(response) / nullif(count(*) FILTER (stopped_by <> 'unknown'), 0) AS share,
    wilson_low(count(response), count(*) FILTER (stopped_by <> 'unknown')) AS ci_low,
    wilson_high(count(response), count(*) FILTER (stopped_by <> 'unknown')) AS ci_high,
    count(*) FILTER (response = 'unarmed_intervention') AS unarmed_intervention,
    count(*) FILTER (response = 'armed_civilian') AS armed_civilian,
    count(*) FILTER (response = 'security_guard') AS security_guard,
    count(*) FILTER (response = 'off_duty_officer') AS off_duty_officer,
    count(*) FILTER (response = 'other_civilian') AS other_civilian
FROM grouped
GROUP BY source, location_type
ORDER BY source, CASE WHEN location_type = 'all' THEN 0 ELSE 1 END, location_type;

COMMENT ON TABLE metric_civilian_response IS 'Attacks stopped by civilians, security guards or off-duty officers, per source and location type (all = every location). Descriptive, not causal. Shares are of records where stopped_by is known; 95% Wilson intervals.';
COMMENT ON COLUMN metric_civilian_response.source IS 'Source slug.';
COMMENT ON COLUMN metric_civilian_response.location_type IS 'Location type, or all.';
COMMENT ON COLUMN metric_civilian_response.n IS 'Records in the group.';
COMMENT ON COLUMN metric_civilian_response.n_known IS 'Records where stopped_by is known.';
COMMENT ON COLUMN metric_civilian_response.stopped_by_civilians IS 'Records stopped by a civilian, security guard or off-duty officer.';
COMMENT ON COLUMN metric_civilian_response.share IS 'stopped_by_civilians / n_known.';
COMMENT ON COLUMN metric_civilian_response.ci_low IS 'Lower bound of the 95% Wilson interval.';
COMMENT ON COLUMN metric_civilian_response.ci_high IS 'Upper bound of the 95% Wilson interval.';
COMMENT ON COLUMN metric_civilian_response.unarmed_intervention IS 'Stopped by unarmed physical or verbal intervention.';
COMMENT ON COLUMN metric_civilian_response.armed_civilian IS 'Stopped by an armed civilian.';
COMMENT ON COLUMN metric_civilian_response.security_guard IS 'Stopped by a security guard (or school resource officer where the source says security).';
COMMENT ON COLUMN metric_civilian_response.off_duty_officer IS 'Stopped by an off-duty officer or soldier.';
COMMENT ON COLUMN metric_civilian_response.other_civilian IS 'Stopped by a civilian in a way the source does not describe.';

-- Casualties in attacks stopped by civilians, by police, and ended by the
-- attacker's suicide. Attacks end differently for reasons (place, weapon,
-- how long before anyone could act): these are not effects of the response.
CREATE TABLE metric_casualties_by_resolution AS
WITH base AS (
    SELECT source, killed, injured,
           CASE
               WHEN stopped_by IN ('civilian', 'security', 'off_duty_police') THEN 'civilians'
               WHEN stopped_by = 'police' THEN 'police'
               WHEN end_method = 'suicide' THEN 'suicide'
           END AS ended_by
    FROM source_records
)
SELECT
    source, ended_by,
    count(*) AS n,
    count(killed + injured) AS n_known,
    median(killed + injured) AS median_casualties,
    sum(killed + injured)::INTEGER AS total_casualties,
    sum(killed)::INTEGER AS total_killed,
    sum(injured)::INTEGER AS total_injured
FROM base
WHERE ended_by IS NOT NULL
GROUP BY ALL
ORDER BY source, ended_by;

COMMENT ON TABLE metric_casualties_by_resolution IS 'Victims killed plus injured in attacks stopped by civilians (incl. security and off-duty officers), by police, or ended by the attacker''s suicide. Descriptive, not causal: attacks that end differently differ in many ways, so a lower median is not an effect of who stopped them.';
COMMENT ON COLUMN metric_casualties_by_resolution.source IS 'Source slug.';
COMMENT ON COLUMN metric_casualties_by_resolution.ended_by IS 'civilians, police or suicide.';
COMMENT ON COLUMN metric_casualties_by_resolution.n IS 'Records in the group.';
COMMENT ON COLUMN metric_casualties_by_resolution.n_known IS 'Records with both killed and injured known.';
COMMENT ON COLUMN metric_casualties_by_resolution.median_casualties IS 'Median of killed + injured over n_known records.';
COMMENT ON COLUMN metric_casualties_by_resolution.total_casualties IS 'Sum of killed + injured over n_known records.';
COMMENT ON COLUMN metric_casualties_by_resolution.total_killed IS 'Sum of killed over records where known.';
COMMENT ON COLUMN metric_casualties_by_resolution.total_injured IS 'Sum of injured over records where known.';
