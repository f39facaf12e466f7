-- Key figures: share of attacks over before police arrived, per source, over all
-- its records (metric_police_arrival, overall), with the 95% Wilson interval and
-- coverage (n_known: records that say whether police arrived before the end).
SELECT source, n, n_known, ended_before_police,
       round(share, 4) AS share, round(ci_low, 4) AS ci_low, round(ci_high, 4) AS ci_high
FROM metric_police_arrival
WHERE grouping = 'overall' AND n_known > 0
ORDER BY source
