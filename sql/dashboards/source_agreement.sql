-- Share of linked record pairs that agree, per field, for the main pairs of sources:
-- the six pairs with the most linked record pairs, leaving out gva_trace (it
-- republishes GVA, so it adds no second opinion), and fields compared on at least
-- 20 pairs (fewer give intervals too wide to read). All pairs: source_agreement_table.
WITH ranked AS (
    SELECT source_a, source_b, max(pairs) AS pairs
    FROM source_agreement
    WHERE 'gva_trace' NOT IN (source_a, source_b)
    GROUP BY ALL
    ORDER BY pairs DESC, source_a, source_b
    LIMIT 6
)
SELECT a.source_a, a.source_b, a.field, a.pairs, a.compared, a.agreeing,
       round(a.share, 4) AS share, round(a.ci_low, 4) AS ci_low,
       round(a.ci_high, 4) AS ci_high, a.typical_difference
FROM source_agreement AS a
JOIN ranked USING (source_a, source_b)
WHERE a.compared >= 20
ORDER BY ranked.pairs DESC, a.source_a, a.source_b, a.field
