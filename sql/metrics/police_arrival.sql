-- Share of attacks that ended before police arrived, per source that can tell
-- (ALERRT resolved_pre_le; FBI terminating events; K-12 SSDB and others where
-- the outcome implies it), overall, by year, by location type and by number of
-- attackers. Sources with no known value yield no rows.
CREATE TABLE metric_police_arrival AS
WITH base AS (
    SELECT source, ended_before_police AS ebp, location_type,
           coalesce(year(incident_date)::VARCHAR, 'undated') AS year,
           CASE WHEN attackers IS NULL THEN 'unknown' WHEN attackers >= 2 THEN '2+'
                ELSE '1' END AS attackers
    FROM source_records
    WHERE source IN (SELECT source FROM source_records GROUP BY 1
                     HAVING count(ended_before_police) > 0)
),
grouped AS (
    SELECT source, 'overall' AS grouping, 'all' AS group_value, ebp FROM base
    UNION ALL SELECT source, 'year', year, ebp FROM base
    UNION ALL SELECT source, 'location_type', location_type, ebp FROM base
    UNION ALL SELECT source, 'attackers', attackers, ebp FROM base
)
SELECT
    source, grouping, group_value,
    count(*) AS n,
    count(ebp) AS n_known,
    count(*) FILTER (ebp) AS ended_before_police,
    count(*) FILTER (ebp) / nullif(count(ebp), 0) AS share,
    wilson_low(count(*) FILTER (ebp), count(ebp)) AS ci_low,
    wilson_high(count(*) FILTER (ebp), count(ebp)) AS ci_high
FROM grouped
GROUP BY source, grouping, group_value
ORDER BY source, grouping, group_value;

COMMENT ON TABLE metric_police_arrival IS 'Share of attacks that were over before police arrived, per source that can tell, overall and by year, location type and number of attackers. Descriptive, not causal. 95% Wilson intervals; n_known counts records where the source tells.';
COMMENT ON COLUMN metric_police_arrival.source IS 'Source slug.';
COMMENT ON COLUMN metric_police_arrival.grouping IS 'overall, year, location_type or attackers (1, 2+, unknown).';
COMMENT ON COLUMN metric_police_arrival.group_value IS 'The group value.';
COMMENT ON COLUMN metric_police_arrival.n IS 'Records in the group.';
COMMENT ON COLUMN metric_police_arrival.n_known IS 'Records where ended_before_police is known.';
COMMENT ON COLUMN metric_police_arrival.ended_before_police IS 'Records that ended before police arrived.';
COMMENT ON COLUMN metric_police_arrival.share IS 'ended_before_police / n_known.';
COMMENT ON COLUMN metric_police_arrival.ci_low IS 'Lower bound of the 95% Wilson interval.';
COMMENT ON COLUMN metric_police_arrival.ci_high IS 'Upper bound of the 95% Wilson interval.';

-- Among attacks still going when police arrived, how they ended.
CREATE TABLE metric_police_arrival_outcomes AS
WITH base AS (
    SELECT source, end_method, stopped_by, attacker_fate FROM source_records
    WHERE ended_before_police = FALSE
),
fields AS (
    UNPIVOT base ON end_method, stopped_by, attacker_fate INTO NAME field VALUE category
),
counts AS (SELECT source, field, category, count(*) AS count FROM fields GROUP BY ALL),
totals AS (
    SELECT source, field, sum(count)::BIGINT AS n,
           coalesce(sum(count) FILTER (category <> 'unknown'), 0)::BIGINT AS n_known
    FROM counts GROUP BY ALL
)
SELECT c.source, c.field, c.category, t.n, t.n_known, c.count,
       CASE WHEN c.category <> 'unknown' THEN c.count / t.n_known END AS share,
       CASE WHEN c.category <> 'unknown' THEN wilson_low(c.count, t.n_known) END AS ci_low,
       CASE WHEN c.category <> 'unknown' THEN wilson_high(c.count, t.n_known) END AS ci_high
FROM counts AS c JOIN totals AS t USING (source, field)
WHERE t.n_known > 0
ORDER BY c.source, c.field, c.count DESC;

COMMENT ON TABLE metric_police_arrival_outcomes IS 'Among attacks still going when police arrived (ended_before_police = FALSE), how they ended, who stopped them and whether the attacker died. Descriptive, not causal.';
COMMENT ON COLUMN metric_police_arrival_outcomes.source IS 'Source slug.';
COMMENT ON COLUMN metric_police_arrival_outcomes.field IS 'end_method, stopped_by or attacker_fate.';
COMMENT ON COLUMN metric_police_arrival_outcomes.category IS 'A value of the field (unknown included).';
COMMENT ON COLUMN metric_police_arrival_outcomes.n IS 'Attacks still going when police arrived.';
COMMENT ON COLUMN metric_police_arrival_outcomes.n_known IS 'Of those, records where the field is known.';
COMMENT ON COLUMN metric_police_arrival_outcomes.count IS 'Records with this category.';
COMMENT ON COLUMN metric_police_arrival_outcomes.share IS 'count / n_known; NULL for unknown.';
COMMENT ON COLUMN metric_police_arrival_outcomes.ci_low IS 'Lower bound of the 95% Wilson interval.';
COMMENT ON COLUMN metric_police_arrival_outcomes.ci_high IS 'Upper bound of the 95% Wilson interval.';
