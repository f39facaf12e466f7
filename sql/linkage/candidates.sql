-- Record linkage, step 2: candidate pairs by blocking.
-- Two records are compared only when they share a state and their dates are at
-- most 3 days apart. Each record is written once per state it names and joined,
-- through the 7 days around it, on (state, date) equality: a hash join whose
-- output grows with the number of records per state-week, so the work stays
-- linear in the number of records (no all-pairs comparison inside a state).
-- gva and gva_trace are never compared by score: gva_trace is an exact subset of
-- gva by GVA incident id, so they are paired by that id (step 3).
CREATE OR REPLACE TEMP TABLE _lk_block AS
SELECT rid, source, unnest(states) AS state, incident_date
FROM _lk_records
WHERE incident_date IS NOT NULL;

CREATE OR REPLACE TEMP TABLE _lk_candidates AS
SELECT DISTINCT a.rid AS rid_a, b.rid AS rid_b
FROM (
    SELECT rid, source, state, incident_date + d::INTEGER AS day
    FROM _lk_block CROSS JOIN range(-3, 4) AS t(d)
) AS a
JOIN _lk_block AS b ON a.state = b.state AND a.day = b.incident_date
WHERE a.rid < b.rid
  AND NOT (a.source <> b.source AND a.source IN ('gva', 'gva_trace')
           AND b.source IN ('gva', 'gva_trace'));
