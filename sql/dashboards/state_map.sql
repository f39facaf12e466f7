-- Records, victims killed and injured per state per source, for the tile-grid
-- map. No metric table counts by state, so this is the one chart aggregating
-- source_records directly. Records without a state are counted in a row with
-- state NULL, so the caption can say how many the map leaves out.
SELECT
    source,
    state,
    count(*) AS incidents,
    sum(killed)::INTEGER AS killed,
    count(killed) AS killed_n_known,
    sum(injured)::INTEGER AS injured,
    count(injured) AS injured_n_known,
    sum(killed + injured)::INTEGER AS casualties,
    count(killed + injured) AS casualties_n_known
FROM source_records
GROUP BY ALL
ORDER BY source, state
