-- How attacks ended (attacker_outcome) and who stopped them (stopped_by), per
-- source: overall, per five-year period and per location type. Shares are of
-- the records where the field is known; the 'unknown' row keeps the rest in
-- view. A source that cannot tell a field at all yields no rows for it.
CREATE TABLE metric_resolution AS
WITH base AS (
    SELECT source, location_type, attacker_outcome, stopped_by,
           coalesce(five_year_period(incident_date), 'undated') AS period
    FROM source_records
),
fields AS (
    UNPIVOT base ON attacker_outcome, stopped_by INTO NAME field VALUE category
),
grouped AS (
    SELECT source, 'overall' AS grouping, 'all' AS group_value, field, category FROM fields
    UNION ALL
    SELECT source, 'period', period, field, category FROM fields
    UNION ALL
    SELECT source, 'location_type', location_type, field, category FROM fields
),
counts AS (
    SELECT source, grouping, group_value, field, category, count(*) AS count
    FROM grouped GROUP BY ALL
),
totals AS (
    SELECT source, grouping, group_value, field, sum(count)::BIGINT AS n,
           coalesce(sum(count) FILTER (category <> 'unknown'), 0)::BIGINT AS n_known
    FROM counts GROUP BY ALL
)
SELECT
    c.source, c.grouping, c.group_value, c.field, c.category,
    t.n, t.n_known, c.count,
    CASE WHEN c.category <> 'unknown' THEN c.count / t.n_known END AS share,
    CASE WHEN c.category <> 'unknown' THEN wilson_low(c.count, t.n_known) END AS ci_low,
    CASE WHEN c.category <> 'unknown' THEN wilson_high(c.count, t.n_known) END AS ci_high
FROM counts AS c
JOIN totals AS t USING (source, grouping, group_value, field)
WHERE (c.source, c.field) IN (
    SELECT (source, field) FROM totals WHERE grouping = 'overall' AND n_known > 0
)
ORDER BY c.source, c.grouping, c.group_value, c.field, c.count DESC;

COMMENT ON TABLE metric_resolution IS 'How attacks ended (attacker_outcome) and who stopped them (stopped_by), per source, overall, per five-year period and per location type. Descriptive, not causal: a difference between groups does not say what caused it. Shares are of records where the field is known; 95% Wilson intervals.';
COMMENT ON COLUMN metric_resolution.source IS 'Source slug.';
COMMENT ON COLUMN metric_resolution.grouping IS 'overall, period (five-year) or location_type.';
COMMENT ON COLUMN metric_resolution.group_value IS 'The group: all, a period such as 2015-2019 (undated for records without a date), or a location type.';
COMMENT ON COLUMN metric_resolution.field IS 'attacker_outcome or stopped_by.';
COMMENT ON COLUMN metric_resolution.category IS 'A value of the field (unknown included).';
COMMENT ON COLUMN metric_resolution.n IS 'Records in the group.';
COMMENT ON COLUMN metric_resolution.n_known IS 'Records in the group where the field is known (not unknown).';
COMMENT ON COLUMN metric_resolution.count IS 'Records in the group with this category.';
COMMENT ON COLUMN metric_resolution.share IS 'count / n_known; NULL for the unknown row.';
COMMENT ON COLUMN metric_resolution.ci_low IS 'Lower bound of the 95% Wilson interval of share.';
COMMENT ON COLUMN metric_resolution.ci_high IS 'Upper bound of the 95% Wilson interval of share.';
