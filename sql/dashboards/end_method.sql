-- How attacks ended (end_method), per source, over all its records
-- (metric_resolution, overall). Shares are of the records where the source tells
-- how the attack ended (n_known); the unknown row (records that do not tell, share
-- NULL) is dropped here and stated as coverage.
SELECT source, category, count, n, n_known,
       round(share, 4) AS share, round(ci_low, 4) AS ci_low, round(ci_high, 4) AS ci_high
FROM metric_resolution
WHERE grouping = 'overall' AND field = 'end_method' AND category <> 'unknown'
ORDER BY source, category
