-- Gun Violence Archive mass shootings (master file) -> contract.
-- Parse (Polars) reads dates written "July 22, 2026", full state names
-- ("District of Columbia" -> DC) and the five counts; ids are GVA's unique
-- `Incident ID` (a repeated id would get "#2" and be flagged
-- duplicate_id_in_source; none is repeated in this file).
--
-- killed = `Victims Killed`, injured = `Victims Injured`: GVA counts victims
-- separately from suspects, so attackers are never in them.
-- city = `City Or County` as given: GVA writes a city, or "postal city (actual
-- place)" such as "Pompano Beach (Parkland)", or in two rows a county as
-- "Pointe Coupee (county)". county is set only when the cell clearly names one:
-- ending " County"/" Parish" (as written), or the "(county)" form ("Cowley County",
-- "Pointe Coupee Parish" in Louisiana: derived, listed in `derivations`); the city
-- keeps the raw text either way.
-- latitude/longitude were geocoded by the repo owner (dxzys) from GVA's address
-- with ArcGIS; they are not GVA values, and unmatched addresses fall back to a city
-- centre (21 rows sit on one point in central Chicago). They are kept as given;
-- the warehouse flags points outside their state (two "Corona (Queens)" rows
-- geocoded to York, Maine).
--
-- GVA cannot tell who stopped an attack: `Suspects Killed` may be a suicide or a
-- police shooting, `Suspects Arrested` may follow days later. So stopped_by is
-- 'unknown' for every record and ended_before_police is NULL (GVA never records
-- it); end_method is 'apprehended' where suspects were arrested and none killed
-- (the source states the arrest, as AP's arrest outcomes do), else 'unknown'.
-- attacker_outcome_raw summarises the three suspect counts ("suspects killed 1,
-- injured 0, arrested 0"). The counts tell the suspects' fate: killed and none
-- arrested or injured -> died (stated by `Suspects Killed`); some killed and some
-- arrested or injured -> mixed; arrested or injured and none killed -> survived
-- (alive when arrested; an injured suspect who died would be counted killed). A
-- survival is concluded, not stated: basis 'derived', listed in `derivations`.
-- None of either (suspects unidentified or at large) -> unknown. GVA has no venue: location_type
-- 'unknown'. No time of day, no attacker count (attackers NULL).
--
-- Ignored: `Address` (not in the contract), `Operations` (always "N/A").
-- Left alone: five pairs of records with different ids share date, place and
-- counts (186488/3150525, 190874/2172621, 1765624/1766423, 2135659/2136132,
-- 2255832/2256080) and two more pairs look alike one day apart (113214/113247,
-- 2450557/3064527); GVA publishes both ids, so both records are kept unflagged.
CREATE OR REPLACE TEMP VIEW source_records AS
SELECT
    'gva' AS source,
    source_record_id,
    NULL AS incident_name,
    incident_date,
    NULL::TIME AS start_time,
    NULL AS start_time_precision,
    city,
    state,
    state_raw,
    county,
    latitude,
    longitude,
    'unknown' AS location_type,
    NULL AS location_type_raw,
    victims_killed AS killed,
    victims_killed_raw AS killed_raw,
    victims_injured AS injured,
    victims_injured_raw AS injured_raw,
    NULL::INTEGER AS attackers,
    CASE WHEN suspects_arrested_n > 0 AND suspects_killed_n = 0 THEN 'apprehended'
         ELSE 'unknown' END AS end_method,
    format('suspects killed {}, injured {}, arrested {}',
           coalesce(trim(suspects_killed_raw), '?'),
           coalesce(trim(suspects_injured_raw), '?'),
           coalesce(trim(suspects_arrested_raw), '?')) AS attacker_outcome_raw,
    'unknown' AS stopped_by,
    fate AS attacker_fate,
    CASE WHEN fate = 'died' THEN 'stated' WHEN fate <> 'unknown' THEN 'derived' END
        AS attacker_fate_basis,
    list_filter([
        CASE WHEN fate IN ('survived', 'mixed') THEN format(
            'attacker_fate: {}, from the suspect counts (killed {}, injured {}, arrested {})',
            fate, suspects_killed_n, suspects_injured_n, suspects_arrested_n) END,
        CASE WHEN county IS NOT NULL AND regexp_matches(city_raw, '(?i)\(county\)')
             THEN format('county: from the city field "{}", in the Name (county) form',
                         trim(city_raw)) END
    ], lambda d: d IS NOT NULL) AS derivations,
    NULL::BOOLEAN AS ended_before_police,
    NULL::DOUBLE AS duration_min,
    CASE WHEN duplicate_id THEN ['duplicate_id_in_source'] ELSE []::VARCHAR[] END
        AS quality_flags,
    source_file,
    source_row
FROM (
    SELECT
        *,
        CASE
            WHEN suspects_killed_n > 0 AND (suspects_arrested_n > 0 OR suspects_injured_n > 0)
                THEN 'mixed'
            WHEN suspects_killed_n > 0 THEN 'died'
            WHEN (suspects_arrested_n > 0 OR suspects_injured_n > 0) AND suspects_killed_n = 0
                THEN 'survived'
            ELSE 'unknown'
        END AS fate
    FROM (
        SELECT
            *,
            TRY_CAST(trim(suspects_killed_raw) AS INTEGER) AS suspects_killed_n,
            TRY_CAST(trim(suspects_arrested_raw) AS INTEGER) AS suspects_arrested_n,
            TRY_CAST(trim(suspects_injured_raw) AS INTEGER) AS suspects_injured_n
        FROM gva
    )
);
