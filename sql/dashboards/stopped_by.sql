-- Who stopped the attack, per source, over all its records (metric_resolution,
-- overall). Shares are of records where stopped_by is known.
SELECT source, category, count, n, n_known,
       round(share, 4) AS share, round(ci_low, 4) AS ci_low, round(ci_high, 4) AS ci_high
FROM metric_resolution
WHERE grouping = 'overall' AND field = 'stopped_by' AND category <> 'unknown'
ORDER BY source, category
