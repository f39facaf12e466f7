-- Overview tiles: every headline figure of metric_summary, as is (per source,
-- and for pseudo-sources such as 'linked', the incidents linked across sources).
SELECT figure, source, value, n_known, n, ci_low, ci_high, unit, definition,
       strftime(as_of, '%Y-%m-%d') AS as_of
FROM metric_summary
ORDER BY source, figure
