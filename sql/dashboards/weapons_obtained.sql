-- How the weapons were obtained per source (metric_weapons_obtained). The unit is
-- the record; a record whose weapons came several ways counts in each, so a
-- source's shares can add up to more than 100%.
SELECT source, obtained AS category, count, n, n_known,
       round(share, 4) AS share, round(ci_low, 4) AS ci_low, round(ci_high, 4) AS ci_high
FROM metric_weapons_obtained
ORDER BY source, obtained
