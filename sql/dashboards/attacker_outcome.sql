-- How attacks ended for the attacker, per source, over all its records
-- (metric_resolution, overall). Shares are of records where the outcome is
-- known; the unknown rows are dropped here and stated as coverage.
SELECT source, category, count, n, n_known,
       round(share, 4) AS share, round(ci_low, 4) AS ci_low, round(ci_high, 4) AS ci_high
FROM metric_resolution
WHERE grouping = 'overall' AND field = 'attacker_outcome' AND category <> 'unknown'
ORDER BY source, category
