-- Every pair of sources and field compared on at least one linked record pair, for
-- the agreement table under the chart (and its CSV).
SELECT source_a, source_b, field, pairs, compared, agreeing,
       round(share, 4) AS share, round(ci_low, 4) AS ci_low, round(ci_high, 4) AS ci_high,
       typical_difference
FROM source_agreement
WHERE compared > 0
ORDER BY source_a, source_b, field
