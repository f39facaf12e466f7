-- Attacker fate from linked records: runs after record linkage (incidents,
-- incident_links), before the metrics.
-- Where a record's attacker_fate is unknown and every other record linked to the
-- same incident that gives a fate of its own (basis stated or derived, never one
-- inferred here) gives the same one, the record takes it: attacker_fate_basis
-- 'inferred', attacker_fate_from = `source:source_record_id` of the first such
-- record (stated before derived, then by source priority as in incidents.sources,
-- then by id, so the choice is stable),
-- and `attacker_fate: inferred from linked record <source>:<id>` is appended to
-- `derivations`. When the linked records disagree the fate stays unknown. A fate of
-- 'died' is never given to a record whose attacker surrendered or was apprehended
-- (the contract's caught_alive invariant: the sources then describe different
-- people or moments, which inference cannot settle).
CREATE OR REPLACE TEMP TABLE _fate_inferred AS
WITH known AS (
    SELECT l.incident_id, r.attacker_fate,
           r.source || ':' || r.source_record_id AS record,
           (r.attacker_fate_basis <> 'stated')::INTEGER AS basis_order,
           list_position(i.sources, r.source) AS source_order, r.source_record_id
    FROM source_records AS r
    JOIN incident_links AS l USING (source, source_record_id)
    JOIN incidents AS i USING (incident_id)
    WHERE r.attacker_fate <> 'unknown' AND r.attacker_fate_basis IN ('stated', 'derived')
),
agreed AS (
    SELECT incident_id, any_value(attacker_fate) AS attacker_fate,
           arg_min(record, (basis_order, source_order, source_record_id)) AS fate_from
    FROM known
    GROUP BY incident_id
    HAVING count(DISTINCT attacker_fate) = 1
)
SELECT r.source, r.source_record_id, a.attacker_fate, a.fate_from
FROM source_records AS r
JOIN incident_links AS l USING (source, source_record_id)
JOIN agreed AS a USING (incident_id)
WHERE r.attacker_fate = 'unknown'
  AND NOT (a.attacker_fate = 'died' AND r.end_method IN ('surrendered', 'apprehended'));

UPDATE source_records AS r
SET attacker_fate = i.attacker_fate,
    attacker_fate_basis = 'inferred',
    attacker_fate_from = i.fate_from,
    derivations = list_append(coalesce(r.derivations, []::VARCHAR[]),
                              'attacker_fate: inferred from linked record ' || i.fate_from)
FROM _fate_inferred AS i
WHERE r.source = i.source AND r.source_record_id = i.source_record_id;

DROP TABLE _fate_inferred;
