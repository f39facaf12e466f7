-- Cross-source agreement: for every unordered pair of sources and every compared
-- field, how often two linked records of the same incident give the same value.
-- Runs after linkage (incident_links), beside the metrics on a connection of its own
-- that has the metric macros (wilson_low/high; publish.BESIDE_METRICS_SQL), so it
-- never reads a metric table; fills the contract's source_agreement table (declared,
-- with its comments, in pipelines/normalize/contract.py).
--
-- The field list is DATA: one row per field below, with how it is compared. A new
-- field is one more row (its name is a source_records column). Values are read from
-- each record as text (the listed columns, unpivoted), so no per-field code exists:
--   number   equal integers agree; typical difference = median |a - b| of the
--            disagreeing pairs
--   date     equal dates agree; typical difference = median days apart
--   place    agree ignoring case and spaces ("St. Louis" = "st.louis")
--   category equal values agree; typical difference = the commonest disagreeing
--            pair of values ("source_a value vs source_b value")
-- A value is known when it is not NULL, not empty and not 'unknown'; a pair is
-- compared only when both values are known. Outcome fields that a source does not
-- fill yet are 'unknown' everywhere and so give compared = 0, not a false agreement.
-- The user-supplied violence_project is compared like any source when present: the
-- warehouse is built on the user's machine from their own copy, and these are
-- aggregate counts, not its records.
CREATE OR REPLACE TEMP TABLE _ag_fields AS
SELECT * FROM (VALUES
    (1, 'incident_date', 'date'),
    (2, 'state', 'category'),
    (3, 'city', 'place'),
    (4, 'killed', 'number'),
    (5, 'injured', 'number'),
    (6, 'location_type', 'category'),
    (7, 'stopped_by', 'category'),
    (8, 'end_method', 'category'),
    (9, 'attacker_fate', 'category'),
    (10, 'ended_before_police', 'category')
) AS f(field_order, field, kind);

-- One row per linked record and field: its value as text (NULL when unknown).
-- Each linked record's compared fields as text, one row per field: the columns
-- named in _ag_fields, unpivoted (not the whole record through JSON, which since the
-- narratives are in it costs twice as much).
SET VARIABLE ag_fields = (SELECT list(field) FROM _ag_fields);
CREATE OR REPLACE TEMP TABLE _ag_values AS
WITH wide AS (
    SELECT source, source_record_id,
           COLUMNS(lambda c: list_contains(getvariable('ag_fields'), c))::VARCHAR
    FROM source_records
)
SELECT l.incident, f.field_order, v.source, v.field, f.kind,
       nullif(nullif(trim(v.value), ''), 'unknown') AS value
FROM wide UNPIVOT INCLUDE NULLS (value FOR field IN (COLUMNS(* EXCLUDE (source, source_record_id))))
    AS v
-- incident: a number per incident, field_order per field: cheaper keys for the pairing
-- self-join below than the id and name texts.
JOIN (SELECT source, source_record_id, dense_rank() OVER (ORDER BY incident_id) AS incident
      FROM incident_links) AS l USING (source, source_record_id)
JOIN _ag_fields AS f USING (field);

-- Every pair of linked records of one incident and field: only the columns the tally
-- below reads (fewer columns to materialize).
CREATE OR REPLACE TEMP TABLE _ag_pairs AS
SELECT a.field, a.kind, a.source AS source_a, a.value AS value_a,
       b.source AS source_b, b.value AS value_b,
       a.value IS NOT NULL AND b.value IS NOT NULL AS compared,
       CASE a.kind
           WHEN 'place' THEN lower(regexp_replace(a.value, '\s', '', 'g'))
                           = lower(regexp_replace(b.value, '\s', '', 'g'))
           ELSE a.value = b.value
       END AS agree,
       CASE a.kind
           WHEN 'number' THEN abs(TRY_CAST(a.value AS DOUBLE) - TRY_CAST(b.value AS DOUBLE))
           WHEN 'date' THEN abs(TRY_CAST(a.value AS DATE) - TRY_CAST(b.value AS DATE))
       END AS difference
FROM _ag_values AS a
JOIN _ag_values AS b
  ON a.incident = b.incident AND a.field_order = b.field_order AND a.source < b.source;

INSERT INTO source_agreement BY NAME
WITH tally AS (
    SELECT source_a, source_b, field, any_value(kind) AS kind,
           count(*)::INTEGER AS pairs,
           count(*) FILTER (compared)::INTEGER AS compared,
           count(*) FILTER (compared AND agree)::INTEGER AS agreeing,
           median(difference) FILTER (compared AND NOT agree) AS median_difference
    FROM _ag_pairs
    GROUP BY source_a, source_b, field
),
commonest AS (
    -- the most frequent disagreeing pair of values (ties: alphabetical)
    SELECT source_a, source_b, field, value_a || ' vs ' || value_b AS value_pair,
           count(*) AS n
    FROM _ag_pairs
    WHERE compared AND NOT agree AND kind IN ('category', 'place')
    GROUP BY source_a, source_b, field, value_pair
    QUALIFY row_number() OVER (PARTITION BY source_a, source_b, field
                               ORDER BY n DESC, value_pair) = 1
)
SELECT t.source_a, t.source_b, t.field, t.pairs, t.compared, t.agreeing,
       CASE WHEN t.compared > 0 THEN t.agreeing / t.compared END AS share,
       wilson_low(t.agreeing, t.compared) AS ci_low,
       wilson_high(t.agreeing, t.compared) AS ci_high,
       CASE
           WHEN t.compared = t.agreeing THEN NULL
           WHEN t.kind = 'number' THEN printf('%g', t.median_difference)
           WHEN t.kind = 'date' THEN printf('%g day', t.median_difference)
                || CASE WHEN t.median_difference = 1 THEN '' ELSE 's' END
           ELSE c.value_pair || ' (' || c.n || CASE WHEN c.n = 1 THEN ' pair)' ELSE ' pairs)' END
       END AS typical_difference
FROM tally AS t
JOIN _ag_fields AS f USING (field)
LEFT JOIN commonest AS c USING (source_a, source_b, field)
ORDER BY t.source_a, t.source_b, f.field_order;
