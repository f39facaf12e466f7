-- Incident duration in buckets (at most 2, 5, 15, 60 minutes, longer) with
-- median and quartiles, per source. Every source gets its 'unknown' row, so a
-- source (or a whole warehouse) with no durations still says its coverage is 0.
CREATE TABLE metric_duration AS
WITH stats AS (
    SELECT source, count(*) AS n, count(duration_min) AS n_known,
           median(duration_min) AS median_min,
           quantile_cont(duration_min, 0.25) AS q1_min,
           quantile_cont(duration_min, 0.75) AS q3_min
    FROM source_records GROUP BY source
),
buckets AS (
    SELECT source,
           CASE WHEN duration_min IS NULL THEN 'unknown'
                WHEN duration_min <= 2 THEN '<= 2 min'
                WHEN duration_min <= 5 THEN '2-5 min'
                WHEN duration_min <= 15 THEN '5-15 min'
                WHEN duration_min <= 60 THEN '15-60 min'
                ELSE '> 60 min' END AS bucket,
           count(*) AS count
    FROM source_records GROUP BY ALL
)
SELECT
    b.source, b.bucket,
    CASE b.bucket WHEN '<= 2 min' THEN 1 WHEN '2-5 min' THEN 2 WHEN '5-15 min' THEN 3
        WHEN '15-60 min' THEN 4 WHEN '> 60 min' THEN 5 ELSE 6 END AS bucket_order,
    s.n, s.n_known, b.count,
    CASE WHEN b.bucket <> 'unknown' THEN b.count / s.n_known END AS share,
    CASE WHEN b.bucket <> 'unknown' THEN wilson_low(b.count, s.n_known) END AS ci_low,
    CASE WHEN b.bucket <> 'unknown' THEN wilson_high(b.count, s.n_known) END AS ci_high,
    s.median_min, s.q1_min, s.q3_min
FROM buckets AS b JOIN stats AS s USING (source)
ORDER BY b.source, bucket_order;

COMMENT ON TABLE metric_duration IS 'Minutes from first shot to the end of the attack, in buckets, with median and quartiles, per source. Only sources that record a duration (the user-supplied Violence Project file; K-12 SSDB releases with Duration_min) have known values; every source has an unknown row so coverage is always stated.';
COMMENT ON COLUMN metric_duration.source IS 'Source slug.';
COMMENT ON COLUMN metric_duration.bucket IS '<= 2 min, 2-5 min, 5-15 min, 15-60 min, > 60 min, or unknown.';
COMMENT ON COLUMN metric_duration.bucket_order IS 'Sort order of the bucket.';
COMMENT ON COLUMN metric_duration.n IS 'Records of the source.';
COMMENT ON COLUMN metric_duration.n_known IS 'Records with a duration.';
COMMENT ON COLUMN metric_duration.count IS 'Records in the bucket.';
COMMENT ON COLUMN metric_duration.share IS 'count / n_known; NULL for unknown.';
COMMENT ON COLUMN metric_duration.ci_low IS 'Lower bound of the 95% Wilson interval.';
COMMENT ON COLUMN metric_duration.ci_high IS 'Upper bound of the 95% Wilson interval.';
COMMENT ON COLUMN metric_duration.median_min IS 'Median duration in minutes over n_known records (NULL when none).';
COMMENT ON COLUMN metric_duration.q1_min IS 'First quartile, minutes.';
COMMENT ON COLUMN metric_duration.q3_min IS 'Third quartile, minutes.';
