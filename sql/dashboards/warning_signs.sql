-- Signs before the attack per source (metric_warning_signs): the share of attackers
-- with the sign among those for whom the source states yes or no (n_known of n).
-- Only the signs a source publishes have rows.
SELECT source, sign, count, n, n_known,
       round(share, 4) AS share, round(ci_low, 4) AS ci_low, round(ci_high, 4) AS ci_high
FROM metric_warning_signs
ORDER BY sign, source
