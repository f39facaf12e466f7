-- Who stopped the attack, per source, over all its records (metric_resolution,
-- overall). Shares are of the records where the source tells how the attack ended
-- (n_known), so a record saying how but not who shows as unknown.
SELECT source, category, count, n, n_known,
       round(share, 4) AS share, round(ci_low, 4) AS ci_low, round(ci_high, 4) AS ci_high
FROM metric_resolution
WHERE grouping = 'overall' AND field = 'stopped_by'
ORDER BY source, category
