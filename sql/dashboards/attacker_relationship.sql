-- Attackers by relationship per source (metric_attacker_profile, attribute 'relationship').
-- The unit is the attacker; shares are of the attackers whose value the source
-- gives (n_known of n, both on every row so the page can say it).
SELECT source, category, count, n, n_known,
       round(share, 4) AS share, round(ci_low, 4) AS ci_low, round(ci_high, 4) AS ci_high
FROM metric_attacker_profile
WHERE attribute = 'relationship'
ORDER BY source, category
