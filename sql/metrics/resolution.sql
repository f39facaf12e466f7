-- How attacks ended, told apart: how (end_method), who stopped them (stopped_by)
-- and whether the attacker died (attacker_fate), per source: overall, per five-year
-- period and per location type. Every share is of the same denominator, the records
-- where the source can tell HOW the attack ended (end_method known): a source that
-- says "shot by police" without the attacker's fate stays in it, its fate counted
-- as unknown (e.g. ALERRT: fled 187 of 597 records, 31%). The 'unknown' rows of
-- stopped_by and attacker_fate carry a share too, so coverage is in view; records
-- whose end_method is unknown are counted in n only. A source that cannot tell how
-- any attack ended (GVA) yields no rows.
CREATE TABLE metric_resolution AS
WITH base AS (
    SELECT source, location_type, end_method, stopped_by, attacker_fate,
           attacker_fate_basis = 'inferred' AS inferred,
           end_method <> 'unknown' AS how_known,
           coalesce(five_year_period(incident_date), 'undated') AS period
    FROM source_records
),
fields AS (
    UNPIVOT base ON end_method, stopped_by, attacker_fate INTO NAME field VALUE category
),
grouped AS (
    SELECT source, 'overall' AS grouping, 'all' AS group_value, field, category,
           how_known, inferred FROM fields
    UNION ALL
    SELECT source, 'period', period, field, category, how_known, inferred FROM fields
    UNION ALL
    SELECT source, 'location_type', location_type, field, category, how_known, inferred
    FROM fields
),
counts AS (
    SELECT source, grouping, group_value, field, category,
           count(*) AS count,
           count(*) FILTER (how_known) AS count_known,
           count(*) FILTER (how_known AND field = 'attacker_fate' AND inferred) AS inferred
    FROM grouped GROUP BY ALL
),
totals AS (
    SELECT source, grouping, group_value, field, sum(count)::BIGINT AS n,
           coalesce(sum(count_known), 0)::BIGINT AS n_known
    FROM counts GROUP BY ALL
)
SELECT
    c.source, c.grouping, c.group_value, c.field, c.category,
    t.n, t.n_known,
    CASE WHEN c.field = 'end_method' AND c.category = 'unknown' THEN c.count
         ELSE c.count_known END AS count,
    c.inferred,
    CASE WHEN c.count_known > 0 THEN c.count_known / t.n_known END AS share,
    CASE WHEN c.count_known > 0 THEN wilson_low(c.count_known, t.n_known) END AS ci_low,
    CASE WHEN c.count_known > 0 THEN wilson_high(c.count_known, t.n_known) END AS ci_high
FROM counts AS c
JOIN totals AS t USING (source, grouping, group_value, field)
WHERE c.source IN (
    SELECT source FROM totals WHERE grouping = 'overall' AND n_known > 0
)
  AND (c.count_known > 0 OR (c.field = 'end_method' AND c.category = 'unknown'))
ORDER BY c.source, c.grouping, c.group_value, c.field, c.count_known DESC, c.category;

COMMENT ON TABLE metric_resolution IS 'How attacks ended (end_method), who stopped them (stopped_by) and whether the attacker died (attacker_fate), per source, overall, per five-year period and per location type. Descriptive, not causal: a difference between groups does not say what caused it. Every share is of the records where the source can tell how the attack ended (end_method known), the unknown rows of stopped_by and attacker_fate included; 95% Wilson intervals.';
COMMENT ON COLUMN metric_resolution.source IS 'Source slug.';
COMMENT ON COLUMN metric_resolution.grouping IS 'overall, period (five-year) or location_type.';
COMMENT ON COLUMN metric_resolution.group_value IS 'The group: all, a period such as 2015-2019 (undated for records without a date), or a location type.';
COMMENT ON COLUMN metric_resolution.field IS 'end_method, stopped_by or attacker_fate.';
COMMENT ON COLUMN metric_resolution.category IS 'A value of the field (unknown included).';
COMMENT ON COLUMN metric_resolution.n IS 'Records in the group.';
COMMENT ON COLUMN metric_resolution.n_known IS 'Records in the group where the source tells how the attack ended (end_method not unknown): the denominator of every share.';
COMMENT ON COLUMN metric_resolution.count IS 'Of the n_known records, those with this category; for the end_method unknown row, the records whose end_method is unknown (n - n_known).';
COMMENT ON COLUMN metric_resolution.inferred IS 'For attacker_fate: of count, the fates inferred from a linked record of another source (attacker_fate_basis inferred); 0 otherwise.';
COMMENT ON COLUMN metric_resolution.share IS 'count / n_known; NULL for the end_method unknown row.';
COMMENT ON COLUMN metric_resolution.ci_low IS 'Lower bound of the 95% Wilson interval of share.';
COMMENT ON COLUMN metric_resolution.ci_high IS 'Upper bound of the 95% Wilson interval of share.';
