-- Whether the attacker died, per source, over all its records (metric_resolution,
-- overall). Shares are of the records where the source tells how the attack ended
-- (n_known), so "shot by police" without a stated fate shows as unknown; `inferred`
-- counts the fates taken from a linked record of another source.
SELECT source, category, count, inferred, n, n_known,
       round(share, 4) AS share, round(ci_low, 4) AS ci_low, round(ci_high, 4) AS ci_high
FROM metric_resolution
WHERE grouping = 'overall' AND field = 'attacker_fate'
ORDER BY source, category
