-- How many linked incidents each combination of sources shares, e.g. how many
-- attacks both the FBI and ALERRT list, and how many only GVA lists. gva and
-- gva_trace are two copies of one archive, so both appear in a combination.
CREATE TABLE metric_source_overlap AS
SELECT
    'linked' AS source,
    array_to_string(list_sort(sources), ' + ') AS combination,
    len(sources) AS n_sources,
    count(*) AS n,
    count(killed) AS killed_n_known,
    sum(killed)::INTEGER AS killed
FROM incidents
GROUP BY ALL
ORDER BY n DESC, combination;

COMMENT ON TABLE metric_source_overlap IS 'Linked incidents per combination of sources that list them: which lists overlap and how much each list alone holds. Sources count different things (sources.definition), so a small overlap is mostly definitional, not a sign of missed incidents.';
COMMENT ON COLUMN metric_source_overlap.source IS 'Always linked: computed from the incidents table.';
COMMENT ON COLUMN metric_source_overlap.combination IS 'Sources that list the incident, sorted and joined with " + ".';
COMMENT ON COLUMN metric_source_overlap.n_sources IS 'Number of sources in the combination.';
COMMENT ON COLUMN metric_source_overlap.n IS 'Linked incidents listed by exactly this combination.';
COMMENT ON COLUMN metric_source_overlap.killed_n_known IS 'Of those, incidents with a best-estimate killed.';
COMMENT ON COLUMN metric_source_overlap.killed IS 'Best-estimate victims killed, summed where known.';
