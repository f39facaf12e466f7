-- Share of attacks over before police arrived, per year, for the sources that
-- can tell (metric_police_arrival), with the 95% Wilson interval.
SELECT source, group_value::INTEGER AS year, n, n_known, ended_before_police,
       round(share, 4) AS share, round(ci_low, 4) AS ci_low, round(ci_high, 4) AS ci_high
FROM metric_police_arrival
WHERE grouping = 'year' AND group_value <> 'undated' AND n_known > 0
ORDER BY source, year
