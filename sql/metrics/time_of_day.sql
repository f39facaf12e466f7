-- Start hour (sources that record a time: FBI, ALERRT, WaPo, K-12 SSDB, GVA via
-- The Trace, Violence Project) and weekday (every dated record) per source.
CREATE TABLE metric_time_of_day AS
WITH hours AS (
    SELECT source, 'hour' AS dimension, lpad(hour(start_time)::VARCHAR, 2, '0') AS value,
           count(*) OVER (PARTITION BY source) AS n,
           count(start_time) OVER (PARTITION BY source) AS n_known
    FROM source_records
    WHERE source IN (SELECT source FROM source_records GROUP BY 1
                     HAVING count(start_time) > 0)
),
days AS (
    SELECT source, 'weekday' AS dimension,
           CAST(isodow(incident_date) AS VARCHAR) || ' ' || dayname(incident_date) AS value,
           count(*) OVER (PARTITION BY source) AS n,
           count(incident_date) OVER (PARTITION BY source) AS n_known
    FROM source_records
)
SELECT source, dimension, coalesce(value, 'unknown') AS value, any_value(n) AS n,
       any_value(n_known) AS n_known, count(*) AS count,
       CASE WHEN value IS NOT NULL THEN count(*) / any_value(n_known) END AS share,
       CASE WHEN value IS NOT NULL THEN wilson_low(count(*), any_value(n_known)) END AS ci_low,
       CASE WHEN value IS NOT NULL THEN wilson_high(count(*), any_value(n_known)) END
           AS ci_high
FROM (SELECT * FROM hours UNION ALL SELECT * FROM days)
GROUP BY source, dimension, value
ORDER BY source, dimension, value;

COMMENT ON TABLE metric_time_of_day IS 'When attacks start: hour of day (local time, for sources that record a time; ALERRT gives the hour only) and weekday (all dated records), per source. Shares of records where the value is known.';
COMMENT ON COLUMN metric_time_of_day.source IS 'Source slug.';
COMMENT ON COLUMN metric_time_of_day.dimension IS 'hour or weekday.';
COMMENT ON COLUMN metric_time_of_day.value IS 'Hour 00-23, or weekday as "1 Monday" .. "7 Sunday"; unknown for records without one.';
COMMENT ON COLUMN metric_time_of_day.n IS 'Records of the source.';
COMMENT ON COLUMN metric_time_of_day.n_known IS 'Records with a start time (hour) or a date (weekday).';
COMMENT ON COLUMN metric_time_of_day.count IS 'Records with this value.';
COMMENT ON COLUMN metric_time_of_day.share IS 'count / n_known; NULL for unknown.';
COMMENT ON COLUMN metric_time_of_day.ci_low IS 'Lower bound of the 95% Wilson interval.';
COMMENT ON COLUMN metric_time_of_day.ci_high IS 'Upper bound of the 95% Wilson interval.';
