-- Record linkage, step 7: the published tables incidents, incident_links and
-- discrepancies, from _lk_records, _lk_cluster, _lk_ids, _lk_edges and
-- record_definitions.
--
-- Best estimates. Each source votes once per incident and field: gva_trace
-- republishes GVA, so the two vote as one, and a source that lists an attack twice
-- votes once (its highest-priority, lowest record). Missing values, and `unknown`
-- location types, end methods and attacker fates, do not vote. The value most sources give wins; a tie
-- goes to the value of the highest-priority source among the tied (priority: fbi,
-- alerrt, ap_usat_nu, mother_jones, violence_project, stanford_msa, wapo, k12ssdb,
-- gva, gva_trace). Places vote by their normalized name (so "St. Louis" and
-- "Saint Louis" agree). Coordinates are the median of the sources that give them.
-- Every value a source gives that differs from another source's is kept in
-- discrepancies.

-- One row per record, field and value, for voting and for discrepancies. (Each record's
-- fields as a list of structs, unnested: a LATERAL VALUES, decorrelated into a join on
-- every column it reads, cost more.)
CREATE OR REPLACE TEMP TABLE _lk_values AS
SELECT * FROM (
    SELECT c.cluster, r.rid, r.source, r.source_record_id, r.source_rank, r.family,
           unnest([
               {field: 'incident_date', value: strftime(r.incident_date, '%Y-%m-%d'),
                vkey: strftime(r.incident_date, '%Y-%m-%d'),
                num: epoch(r.incident_date) / 86400},
               {field: 'state', value: r.state, vkey: r.state, num: NULL},
               {field: 'city', value: r.city, vkey: r.city_key, num: NULL},
               {field: 'location_type', value: nullif(r.location_type, 'unknown'),
                vkey: nullif(r.location_type, 'unknown'), num: NULL},
               {field: 'killed', value: r.killed::VARCHAR, vkey: r.killed::VARCHAR,
                num: r.killed},
               {field: 'injured', value: r.injured::VARCHAR, vkey: r.injured::VARCHAR,
                num: r.injured},
               {field: 'end_method', value: nullif(r.end_method, 'unknown'),
                vkey: nullif(r.end_method, 'unknown'), num: NULL},
               {field: 'attacker_fate', value: nullif(r.attacker_fate, 'unknown'),
                vkey: nullif(r.attacker_fate, 'unknown'), num: NULL}
           ], recursive := true)
    FROM _lk_cluster AS c
    JOIN _lk_records AS r USING (rid)
)
WHERE vkey IS NOT NULL;

CREATE OR REPLACE TEMP TABLE _lk_best AS
-- (The picks are arg_min aggregates, not row_number() windows: the same rows, but a
-- window over tens of thousands of small partitions costs more.)
WITH voters AS (
    -- one voter per source family: its highest-priority, lowest record with a value
    SELECT cluster, field, arg_min(vkey, source_rank * 1e9 + rid) AS vkey,
           min(source_rank) AS source_rank
    FROM _lk_values
    GROUP BY cluster, field, family
),
tally AS (
    SELECT cluster, field, vkey, count(*) AS votes, min(source_rank) AS best_rank
    FROM voters
    GROUP BY ALL
),
winner AS (
    -- the most votes; a tie to the highest-priority source, then the first key
    SELECT cluster, field, arg_min(vkey, (-votes, best_rank, vkey)) AS vkey
    FROM tally
    GROUP BY ALL
)
SELECT w.cluster, w.field, w.vkey,
       arg_min(v.value, v.source_rank * 1e9 + v.rid) AS value,
       arg_min(v.num, v.source_rank * 1e9 + v.rid) AS num
FROM winner AS w
JOIN _lk_values AS v USING (cluster, field, vkey)
GROUP BY ALL;

CREATE OR REPLACE TABLE incidents AS
WITH best AS (
    SELECT cluster,
           max(CASE field WHEN 'incident_date' THEN value END)::DATE AS incident_date,
           max(CASE field WHEN 'state' THEN value END) AS state,
           max(CASE field WHEN 'city' THEN value END) AS city,
           max(CASE field WHEN 'location_type' THEN value END) AS location_type,
           max(CASE field WHEN 'killed' THEN num END)::INTEGER AS killed,
           max(CASE field WHEN 'injured' THEN num END)::INTEGER AS injured,
           max(CASE field WHEN 'end_method' THEN value END) AS end_method,
           max(CASE field WHEN 'attacker_fate' THEN value END) AS attacker_fate
    FROM _lk_best
    GROUP BY cluster
),
members AS (
    SELECT c.cluster,
           count(*)::INTEGER AS n_records,
           count(DISTINCT r.source)::INTEGER AS n_sources,
           list_transform(list_sort(list_distinct(list(
               lpad(r.source_rank::VARCHAR, 3, '0') || ':' || r.source))),
               lambda x: split_part(x, ':', 2)) AS sources,
           arg_min(r.incident_name, r.source_rank * 1e9 + r.rid)
               FILTER (WHERE r.incident_name IS NOT NULL) AS incident_name,
           min(r.incident_date) AS first_date,
           max(r.incident_date) AS last_date,
           median(r.latitude) AS latitude,
           median(r.longitude) AS longitude,
           bool_or(d.fbi_active_shooter) AS fbi_active_shooter,
           bool_or(d.alerrt_active_attack) AS alerrt_active_attack,
           bool_or(d.firearm) AS firearm
    FROM _lk_cluster AS c
    JOIN _lk_records AS r USING (rid)
    LEFT JOIN record_definitions AS d USING (source, source_record_id)
    GROUP BY c.cluster
)
SELECT
    i.incident_id,
    m.incident_name,
    b.incident_date,
    m.first_date,
    m.last_date,
    b.city,
    b.state,
    m.latitude,
    m.longitude,
    coalesce(b.location_type, 'unknown') AS location_type,
    b.killed,
    b.injured,
    coalesce(b.end_method, 'unknown') AS end_method,
    coalesce(b.attacker_fate, 'unknown') AS attacker_fate,
    m.n_sources,
    m.n_records,
    m.sources,
    coalesce(m.fbi_active_shooter, FALSE) AS fbi_active_shooter,
    coalesce(m.alerrt_active_attack, FALSE) AS alerrt_active_attack,
    b.killed >= 4 AS killed_4_plus,
    (b.killed + b.injured >= 4) AND m.firearm AS shot_4_plus,
    CASE coalesce(b.location_type, 'unknown') WHEN 'education' THEN TRUE
         WHEN 'unknown' THEN NULL ELSE FALSE END AS school,
    m.firearm,
    i.id_carried_over
FROM members AS m
JOIN _lk_ids AS i USING (cluster)
LEFT JOIN best AS b USING (cluster)
ORDER BY b.incident_date, i.incident_id;

CREATE OR REPLACE TABLE incident_links AS
WITH best_edge AS (
    -- each record's strongest accepted link to another record of its incident
    SELECT e.rid, arg_max(e.other, e.score * 1e9 - e.other) AS other,
           max(e.score) AS score,
           arg_max(e.reasons, e.score * 1e9 - e.other) AS reasons,
           bool_or(e.source_duplicate) AS source_duplicate
    FROM (
        SELECT rid_a AS rid, rid_b AS other, score, reasons, source_duplicate FROM _lk_edges
        UNION ALL
        SELECT rid_b, rid_a, score, reasons, source_duplicate FROM _lk_edges
    ) AS e
    JOIN _lk_cluster AS ca ON ca.rid = e.rid
    JOIN _lk_cluster AS cb ON cb.rid = e.other
    WHERE ca.cluster = cb.cluster
    GROUP BY e.rid
)
SELECT
    i.incident_id,
    r.source,
    r.source_record_id,
    e.score AS match_score,
    coalesce(e.reasons, []::VARCHAR[]) AS match_reasons,
    o.source AS linked_source,
    o.source_record_id AS linked_record_id,
    coalesce(e.source_duplicate, FALSE) AS source_duplicate
FROM _lk_cluster AS c
JOIN _lk_records AS r USING (rid)
JOIN _lk_ids AS i USING (cluster)
LEFT JOIN best_edge AS e ON e.rid = c.rid
LEFT JOIN _lk_records AS o ON o.rid = e.other
ORDER BY i.incident_id, r.source_rank, r.source_record_id;

CREATE OR REPLACE TABLE discrepancies AS
WITH disputed AS (
    SELECT cluster, field
    FROM _lk_values
    GROUP BY ALL
    HAVING count(DISTINCT vkey) > 1
)
SELECT
    i.incident_id,
    v.field,
    v.source,
    v.source_record_id,
    v.value,
    b.value AS best_value,
    v.vkey IS DISTINCT FROM b.vkey AS differs,
    (v.num - b.num)::INTEGER AS difference
FROM _lk_values AS v
JOIN disputed AS d USING (cluster, field)
JOIN _lk_best AS b USING (cluster, field)
JOIN _lk_ids AS i USING (cluster)
ORDER BY i.incident_id, v.field, v.source_rank, v.source_record_id;

COMMENT ON TABLE incidents IS 'One row per real-world attack: the source records that describe it linked into one incident (see incident_links and docs/linkage.md), with best-estimate values. Each field is the value most sources give (gva and gva_trace vote as one source; ties go to the higher-priority source: fbi, alerrt, ap_usat_nu, mother_jones, violence_project, stanford_msa, wapo, k12ssdb, gva, gva_trace); every disagreement is kept in discrepancies.';
COMMENT ON COLUMN incidents.incident_id IS 'Stable id of the incident: kept across refreshes while its records stay linked (carried over from the previous warehouse), otherwise derived from its anchor record (inc_ + 12 hex digits of md5 of source:source_record_id).';
COMMENT ON COLUMN incidents.incident_name IS 'Name or title of the incident from the highest-priority source that gives one; NULL when no source names it.';
COMMENT ON COLUMN incidents.incident_date IS 'Best-estimate date the attack began: the date most sources give; a tie goes to the higher-priority source.';
COMMENT ON COLUMN incidents.first_date IS 'Earliest date any linked record gives.';
COMMENT ON COLUMN incidents.last_date IS 'Latest date any linked record gives (up to 3 days after first_date).';
COMMENT ON COLUMN incidents.city IS 'Best-estimate city or place as a source wrote it: the place most sources name (compared after normalizing St./Saint, Ft./Fort, case and punctuation).';
COMMENT ON COLUMN incidents.state IS 'Best-estimate state (two-letter USPS code); the first state of an attack across state lines.';
COMMENT ON COLUMN incidents.latitude IS 'Median latitude (WGS84) over the linked records that give coordinates; NULL when none does.';
COMMENT ON COLUMN incidents.longitude IS 'Median longitude (WGS84) over the linked records that give coordinates; NULL when none does.';
COMMENT ON COLUMN incidents.location_type IS 'Best-estimate kind of place (the contract vocabulary of source_records.location_type); unknown when no source says.';
COMMENT ON COLUMN incidents.killed IS 'Best-estimate victims killed (attackers not counted): the count most sources give, ties to the higher-priority source; each source''s count is in discrepancies when they differ.';
COMMENT ON COLUMN incidents.injured IS 'Best-estimate victims injured but not killed, by the same rule as killed.';
COMMENT ON COLUMN incidents.end_method IS 'Best-estimate way the attack ended (source_records.end_method vocabulary): the method most sources give; unknown when no source says.';
COMMENT ON COLUMN incidents.attacker_fate IS 'Best-estimate fate of the attacker(s) (died, survived, mixed; source_records.attacker_fate as stated or derived by each source, before any inference from linked records); unknown when no source says.';
COMMENT ON COLUMN incidents.n_sources IS 'Number of distinct sources with a record of the incident (gva and gva_trace count separately).';
COMMENT ON COLUMN incidents.n_records IS 'Number of linked source records (more than n_sources when a source lists the attack twice).';
COMMENT ON COLUMN incidents.sources IS 'Slugs of the sources with a record of the incident, in priority order.';
COMMENT ON COLUMN incidents.fbi_active_shooter IS 'The FBI lists the incident as an active shooter incident (a linked fbi record).';
COMMENT ON COLUMN incidents.alerrt_active_attack IS 'ALERRT lists the incident as an active attack (a linked alerrt record).';
COMMENT ON COLUMN incidents.killed_4_plus IS 'Best-estimate killed is 4 or more (the mass-killing threshold of AP/USA TODAY/Northeastern); NULL when killed is unknown.';
COMMENT ON COLUMN incidents.shot_4_plus IS 'A firearm attack with best-estimate killed + injured of 4 or more (GVA''s mass-shooting threshold); NULL when unknown.';
COMMENT ON COLUMN incidents.school IS 'The best-estimate location type is education (at a school); NULL when it is unknown.';
COMMENT ON COLUMN incidents.firearm IS 'A linked record says a firearm was used (record_definitions.firearm of any record); NULL when none can tell.';
COMMENT ON COLUMN incidents.id_carried_over IS 'TRUE when incident_id was carried over from the previous warehouse, FALSE when derived in this build.';

COMMENT ON TABLE incident_links IS 'One row per source record: the incident it belongs to and why it was linked. Records are compared when they share a state and are at most 3 days apart, scored on date, place, killed, injured, location type, time and name, and joined best score first; an incident holds at most one record per source except records a source itself lists twice (source_duplicate). See docs/linkage.md.';
COMMENT ON COLUMN incident_links.incident_id IS 'The incident (incidents.incident_id).';
COMMENT ON COLUMN incident_links.source IS 'Source slug.';
COMMENT ON COLUMN incident_links.source_record_id IS 'The record''s id within its source (source_records.source_record_id).';
COMMENT ON COLUMN incident_links.match_score IS 'Score of the record''s strongest link to another record of the same incident (4 or more across sources; 100 for gva/gva_trace records with the same GVA incident id); NULL when the incident has no other record.';
COMMENT ON COLUMN incident_links.match_reasons IS 'Evidence behind that link: date_same / date_Nd, coords_2km / coords_10km / coords_30km / coords_far, place_same / place_similar / place_is_county / place_in_name / place_nearby / place_differs / place_far, killed_same / killed_close / killed_differs, injured_*, victims_none_vs_several, type_same / type_differs, time_close / time_differs, name_same / name_similar / name_differs, gva_incident_id.';
COMMENT ON COLUMN incident_links.linked_source IS 'Source of the record at the other end of that link.';
COMMENT ON COLUMN incident_links.linked_record_id IS 'source_record_id of the record at the other end of that link.';
COMMENT ON COLUMN incident_links.source_duplicate IS 'TRUE when the record was linked as a duplicate of another record of its own source (the source lists the attack twice).';

COMMENT ON TABLE discrepancies IS 'Where the sources of one incident disagree: for each incident and field (incident_date, state, city, location_type, killed, injured, end_method, attacker_fate) with more than one value, the value each linked record gives and the best estimate chosen. Missing values and unknown do not count as disagreeing.';
COMMENT ON COLUMN discrepancies.incident_id IS 'The incident (incidents.incident_id).';
COMMENT ON COLUMN discrepancies.field IS 'The field the sources disagree on: incident_date, state, city, location_type, killed, injured, end_method or attacker_fate.';
COMMENT ON COLUMN discrepancies.source IS 'Source slug of the record giving value.';
COMMENT ON COLUMN discrepancies.source_record_id IS 'The record giving value.';
COMMENT ON COLUMN discrepancies.value IS 'The value this record gives, as text (dates as YYYY-MM-DD).';
COMMENT ON COLUMN discrepancies.best_value IS 'The incident''s best estimate for the field (the value in incidents).';
COMMENT ON COLUMN discrepancies.differs IS 'TRUE when value differs from best_value (places compared after normalizing).';
COMMENT ON COLUMN discrepancies.difference IS 'value minus best_value for killed and injured (victims) and incident_date (days); NULL for text fields.';
