-- Duration buckets per source (metric_duration), with each source's coverage:
-- every source has its unknown row, so a warehouse without durations still
-- says so (n_known = 0) instead of drawing nothing.
SELECT source, bucket, bucket_order, n, n_known, count,
       round(share, 4) AS share, round(ci_low, 4) AS ci_low, round(ci_high, 4) AS ci_high,
       median_min, q1_min, q3_min
FROM metric_duration
ORDER BY source, bucket_order
