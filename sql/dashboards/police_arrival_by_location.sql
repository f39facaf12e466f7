-- Share of attacks over before police arrived, per location type, for the
-- sources that can tell (metric_police_arrival), with the 95% Wilson interval.
SELECT source, group_value AS location_type, n, n_known, ended_before_police,
       round(share, 4) AS share, round(ci_low, 4) AS ci_low, round(ci_high, 4) AS ci_high
FROM metric_police_arrival
WHERE grouping = 'location_type' AND n_known > 0
ORDER BY source, location_type
