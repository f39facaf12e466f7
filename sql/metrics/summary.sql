-- One row per headline figure a dashboard shows, so every number a reader sees
-- traces back to a query, with its coverage and its source's definition.
-- Runs after the other metrics (files run in name order; this one reads them).
CREATE TABLE metric_summary AS
WITH figures AS (
    SELECT 'incidents' AS figure, source, count(*)::DOUBLE AS value,
           count(*) AS n_known, count(*) AS n, NULL::DOUBLE AS ci_low,
           NULL::DOUBLE AS ci_high, 'records' AS unit
    FROM source_records GROUP BY source
    UNION ALL
    SELECT 'killed', source, sum(killed), count(killed), count(*), NULL, NULL, 'victims'
    FROM source_records GROUP BY source
    UNION ALL
    SELECT 'injured', source, sum(injured), count(injured), count(*), NULL, NULL, 'victims'
    FROM source_records GROUP BY source
    UNION ALL
    SELECT 'incidents', 'linked', count(*), count(*), count(*), NULL, NULL, 'incidents'
    FROM incidents
    UNION ALL
    SELECT 'killed', 'linked', sum(killed), count(killed), count(*), NULL, NULL, 'victims'
    FROM incidents
    UNION ALL
    SELECT 'share_ended_before_police', source, share, n_known, n, ci_low, ci_high, 'share'
    FROM metric_police_arrival WHERE grouping = 'overall'
    UNION ALL
    SELECT 'share_stopped_by_civilians', source, share, n_known, n, ci_low, ci_high, 'share'
    FROM metric_civilian_response WHERE location_type = 'all'
    UNION ALL
    SELECT 'median_duration_min', source, any_value(median_min), any_value(n_known),
           any_value(n), NULL, NULL, 'minutes'
    FROM metric_duration GROUP BY source HAVING any_value(n_known) > 0
)
SELECT f.figure, f.source, f.value, f.n_known, f.n, f.ci_low, f.ci_high, f.unit,
       coalesce(s.definition, 'Linked incidents: every source''s records linked into '
                || 'real-world incidents, each counted once (see docs/linkage.md).')
           AS definition,
       coalesce(s.last_date, (SELECT max(incident_date) FROM incidents)) AS as_of
FROM figures AS f LEFT JOIN sources AS s USING (source)
ORDER BY f.figure, f.source;

COMMENT ON TABLE metric_summary IS 'Every headline figure shown on the dashboards, one row each, with the records it rests on (n_known of n) and the definition of the source it comes from.';
COMMENT ON COLUMN metric_summary.figure IS 'Name of the figure: incidents, killed, injured, share_ended_before_police, share_stopped_by_civilians, median_duration_min.';
COMMENT ON COLUMN metric_summary.source IS 'Source slug, or linked for figures over linked incidents.';
COMMENT ON COLUMN metric_summary.value IS 'The figure.';
COMMENT ON COLUMN metric_summary.n_known IS 'Records where the underlying field is known.';
COMMENT ON COLUMN metric_summary.n IS 'Records considered.';
COMMENT ON COLUMN metric_summary.ci_low IS 'Lower bound of the 95% Wilson interval, for shares.';
COMMENT ON COLUMN metric_summary.ci_high IS 'Upper bound of the 95% Wilson interval, for shares.';
COMMENT ON COLUMN metric_summary.unit IS 'records, victims, share or minutes.';
COMMENT ON COLUMN metric_summary.definition IS 'What the source counts.';
COMMENT ON COLUMN metric_summary.as_of IS 'Latest incident date in the source.';
