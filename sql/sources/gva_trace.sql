-- GVA mass shootings via The Trace -> contract.
-- The same GVA records as gva.sql (every incident_id is also in the master file;
-- ids are unique within each source, so the same id in both is fine), mapped the
-- same way, plus the time of day. Parse (Polars) turns "N/A" into NULL, reads
-- `incident_time` "5:25 AM" (start_time_precision 'minute'; "N/A" -> NULL with no
-- reject, anything else unparseable is rejected) and `updated_date` (Unix seconds,
-- validated only: not a contract column).
--
-- killed = `victims_killed`, injured = `victims_injured`. The file's `killed` and
-- `injured` include suspects (killed = victims_killed + suspects_killed in every
-- row; injured exceeds victims_injured in 206 rows): they are the file's headline
-- figures, kept as killed_raw / injured_raw, and a record whose `killed` differs
-- from `victims_killed` (a suspect died) carries attacker_removed_from_killed.
-- city/county from `city_or_county` exactly as in gva.sql: city as given, county
-- only for a cell ending " County"/" Parish" or GVA's "Name (county)" form (derived,
-- listed in `derivations`).
-- latitude/longitude as The Trace distributes them (at most four decimals; who
-- geocoded is not documented). They are not the repo owner's ArcGIS geocodes used
-- by the gva source, though 90% of records lie within 0.003 degrees of them.
--
-- GVA cannot tell who stopped an attack or how: end_method and stopped_by
-- 'unknown', ended_before_police NULL, attacker_outcome_raw "suspects killed N"
-- (this file has no suspects-injured or arrested column). attacker_fate 'unknown':
-- without the arrest count (the gva source has it) a suspect killed cannot tell
-- "all died" from "some died".
-- location_type is derived from `business_location_name` ("Robb Elementary School",
-- "First Baptist Church", "Palace Lounge"; "N/A" in 3,490 rows) by the shared
-- keyword table (location_keyword, pipelines/normalize/location_keywords.csv):
-- basis 'derived', the name kept in location_type_raw and a `derivations` entry
-- naming the keyword. A name no keyword matches ("Hush", "American Legion") or no
-- name stays 'unknown'.
-- Ignored: `address`. The duplicate-looking id pairs listed in gva.sql are here too
-- and are kept unflagged.
CREATE OR REPLACE TEMP VIEW source_records AS
SELECT
    'gva_trace' AS source,
    source_record_id,
    NULL AS incident_name,
    incident_date,
    start_time,
    CASE WHEN start_time IS NOT NULL THEN 'minute' END AS start_time_precision,
    city,
    state,
    state_raw,
    county,
    latitude,
    longitude,
    coalesce(place_keyword.location_type, 'unknown') AS location_type,
    business_location_name AS location_type_raw,
    CASE WHEN place_keyword IS NOT NULL THEN 'derived' END AS location_type_basis,
    victims_killed AS killed,
    killed_raw,
    victims_injured AS injured,
    injured_raw,
    NULL::INTEGER AS attackers,
    'unknown' AS end_method,
    'unknown' AS attacker_fate,
    'suspects killed ' || coalesce(trim(suspects_killed_raw), '?') AS attacker_outcome_raw,
    'unknown' AS stopped_by,
    NULL::BOOLEAN AS ended_before_police,
    NULL::DOUBLE AS duration_min,
    list_filter([
        CASE WHEN duplicate_id THEN 'duplicate_id_in_source' END,
        CASE WHEN TRY_CAST(trim(killed_raw) AS INTEGER) <> victims_killed
             THEN 'attacker_removed_from_killed' END
    ], lambda f: f IS NOT NULL) AS quality_flags,
    list_filter([keyword_derivation('business_location_name', business_location_name,
                                    place_keyword),
                 CASE WHEN county IS NOT NULL AND regexp_matches(city_raw, '(?i)\(county\)')
                      THEN format('county: from the city field "{}", in the Name (county) '
                                  || 'form', trim(city_raw)) END],
                lambda d: d IS NOT NULL) AS derivations,
    source_file,
    source_row
-- the keyword of the place name, once per row (location_keywords.sql)
FROM (SELECT *, location_keyword(business_location_name) AS place_keyword
      FROM gva_trace) AS gva_trace;
