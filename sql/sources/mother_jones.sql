-- Mother Jones US mass shootings -> contract.
-- Quirks handled in parse (Polars): the duplicated `location` header (2nd = venue,
-- read by position), "City, State" split at the last comma (full names, codes,
-- "Lousiana", "D.C." -> USPS codes), M/D/YY and M/D/YYYY dates, "-" = missing,
-- id = ISO date + case name (no id column; unique in this snapshot).
-- Mapping choices:
-- * killed = `fatalities` minus the shooter where the reviewed list
--   pipelines/sources/mother_jones_killed.csv says the figure counts the shooter
--   (36 records, 1984-2014: Binghamton 2009 14 -> 13); `killed_raw` keeps the source
--   figure, the record gets the flag attacker_removed_from_killed and a
--   `derivations` entry quoting the evidence. Elsewhere killed = `fatalities`
--   (Virginia Tech 2007 32, Sandy Hook 27 with the mother, Columbine 13 without the
--   two shooters). injured = `injured`. See mother_jones.py for how the list was made.
-- * Venue (trimmed, case-folded) -> location_type, basis 'stated': Workplace ->
--   commerce, School -> education (colleges included, as FBI 'Education'),
--   Religious -> house_of_worship, Military -> military, Airport -> government (the
--   FBI codes both airport attacks, LAX 2013 and Fort Lauderdale 2017, as
--   Government), Other -> other. The coarse Workplace and Other are refined from the
--   case name by the shared keyword table (location_keyword): "Virginia Beach
--   municipal building shooting" -> government, "Mercy Hospital shooting" ->
--   health_care, "San Jose VTA shooting" -> government, "Orlando nightclub massacre"
--   -> commerce; basis 'derived' (with a `derivations` entry) where that changes the
--   type, the venue kept in location_type_raw.
-- * How it ended: MJ has no fate column. parse finds the first of a few explicit
--   phrase patterns in `summary` (suicide > killed by police > killed by civilian >
--   shot by police (and arrested) > subdued by civilians > surrendered > apprehended,
--   e.g. "committing suicide", "shot dead by police", "shot and arrested by police",
--   "taken into custody"); the matched phrase, as written, is attacker_outcome_raw
--   and mother_jones_outcomes (a data table) maps its kind onto end_method,
--   stopped_by and attacker_fate, all derived from the narrative (listed in
--   `derivations`, fate basis 'derived'). No match -> unknown (e.g. Uvalde's
--   "suicidal gunman"). A shooter who left the scene (parse's flee phrase: "fled in
--   his vehicle", "as they fled", "shortly after fleeing the campus") ended the
--   attack by fleeing: end_method fled, stopped_by none, whatever happened later; the
--   fate stays that of the outcome phrase (San Bernardino: "later killed by police as
--   they fled" -> fled, died), or survived when the summary says only that he fled.
--   attacker_outcome_raw then holds both phrases ("as they fled; killed by police").
--   An arrest or surrender does not say who ended the attack: stopped_by unknown.
--   ended_before_police is NULL: MJ has no field for it, and a FALSE read from "shot
--   dead by police" alone, with no TRUE ever stated, would make a one-sided share.
-- * attackers is 2 for the two "Male & Female" pairs and NULL otherwise: one gender
--   value does not prove one shooter (Columbine and Westside list one "Male").
CREATE OR REPLACE TEMP TABLE mother_jones_outcomes AS
SELECT * FROM (VALUES
    ('suicide', 'suicide', 'self', 'died'),
    ('killed_by_police', 'shot', 'police', 'died'),
    ('killed_by_civilian', 'shot', 'civilian', 'died'),
    ('shot_by_police', 'shot', 'police', 'survived'),
    ('subdued_by_civilian', 'subdued', 'civilian', 'survived'),
    ('surrendered', 'surrendered', 'unknown', 'survived'),
    ('apprehended', 'apprehended', 'unknown', 'survived'),
    ('fled', 'fled', 'none', 'survived')
) AS t(outcome_kind, end_method, stopped_by, attacker_fate);

CREATE OR REPLACE TEMP VIEW source_records AS
SELECT
    'mother_jones' AS source,
    source_record_id,
    incident_name,
    incident_date,
    NULL::TIME AS start_time,
    NULL AS start_time_precision,
    city,
    state,
    state_raw,
    NULL AS county,
    latitude_n AS latitude,
    longitude_n AS longitude,
    CASE lower(venue_clean)
        WHEN 'workplace' THEN 'commerce'
        WHEN 'school' THEN 'education'
        WHEN 'religious' THEN 'house_of_worship'
        WHEN 'military' THEN 'military'
        WHEN 'airport' THEN 'government'
        WHEN 'other' THEN 'other'
        ELSE 'unknown'
    END AS stated_location_type,
    CASE WHEN lower(venue_clean) IN ('workplace', 'other')
         THEN case_keyword END AS name_keyword,
    coalesce(struct_extract(name_keyword, 'location_type'), stated_location_type)
        AS location_type,
    venue AS location_type_raw,
    CASE WHEN location_type <> stated_location_type THEN 'derived'
         WHEN location_type <> 'unknown' THEN 'stated' END AS location_type_basis,
    fatalities AS killed_raw,
    injured AS injured_raw,
    coalesce(reviewed_killed, killed) AS killed,
    injured_n AS injured,
    attackers,
    coalesce(f.end_method, o.end_method, 'unknown') AS end_method,
    nullif(concat_ws('; ', flee_phrase, outcome_phrase), '') AS attacker_outcome_raw,
    coalesce(f.stopped_by, o.stopped_by, 'unknown') AS stopped_by,
    coalesce(o.attacker_fate, f.attacker_fate, 'unknown') AS attacker_fate,
    CASE WHEN coalesce(o.attacker_fate, f.attacker_fate) IS NOT NULL THEN 'derived' END
        AS attacker_fate_basis,
    NULL::BOOLEAN AS ended_before_police,
    NULL::DOUBLE AS duration_min,
    list_concat(
        CASE WHEN duplicate_id THEN ['duplicate_id_in_source'] ELSE []::VARCHAR[] END,
        CASE WHEN reviewed_killed IS NOT NULL THEN ['attacker_removed_from_killed']
             ELSE []::VARCHAR[] END
    ) AS quality_flags,
    list_filter([
        CASE WHEN reviewed_killed IS NOT NULL THEN
            format('killed: attacker excluded (fatalities {} include the shooter; {})',
                   fatalities, killed_evidence) END,
        CASE WHEN location_type_basis = 'derived' THEN
            keyword_derivation('case', incident_name, case_keyword) END,
        CASE WHEN f.outcome_kind IS NOT NULL THEN
            format('end_method: fled, from the summary phrase "{}"', flee_phrase)
             WHEN o.outcome_kind IS NOT NULL THEN
            format('end_method: {}, from the summary phrase "{}"', o.end_method,
                   outcome_phrase) END,
        CASE WHEN f.outcome_kind IS NOT NULL THEN
            format('stopped_by: none, from the summary phrase "{}"', flee_phrase)
             WHEN o.outcome_kind IS NOT NULL AND o.stopped_by <> 'unknown' THEN format(
            'stopped_by: {}, from the summary phrase "{}"', o.stopped_by, outcome_phrase) END,
        CASE WHEN o.outcome_kind IS NOT NULL THEN
            format('attacker_fate: {}, from the summary phrase "{}"', o.attacker_fate,
                   outcome_phrase)
             WHEN f.outcome_kind IS NOT NULL THEN
            format('attacker_fate: survived, from the summary phrase "{}"', flee_phrase)
        END
    ], lambda d: d IS NOT NULL) AS derivations,
    published(summary) AS narrative,
    CASE WHEN narrative IS NOT NULL THEN 'summary' END AS narrative_field,
    -- type: Spree (several locations) -> mobile TRUE, Mass -> FALSE (vocab/yes_no.csv)
    nullif(published(type), '-') AS mobile_raw,
    vocab_flag('yes_no', 'mother_jones', mobile_raw) AS mobile,
    source_file,
    source_row
-- the keyword of the case name, once per row (location_keywords.sql)
FROM (SELECT *, location_keyword(incident_name) AS case_keyword
      FROM mother_jones) AS mother_jones
LEFT JOIN mother_jones_outcomes AS o USING (outcome_kind)
LEFT JOIN mother_jones_outcomes AS f
    ON f.outcome_kind = 'fled' AND mother_jones.flee_phrase IS NOT NULL
ORDER BY source_row;

CREATE OR REPLACE TEMP VIEW attackers AS
SELECT 'mother_jones' AS source, source_record_id, attacker_no, age, sex,
       NULL AS outcome_raw,
       -- race and prior_signs_mental_health_issues are per record ('-' = missing):
       -- every attacker of the record carries them
       nullif(published(m.race), '-') AS race_raw,
       vocab('race', 'mother_jones', race_raw) AS race,
       nullif(published(m.prior_signs_mental_health_issues), '-') AS mental_illness_raw,
       vocab_flag('yes_no', 'mother_jones', mental_illness_raw) AS mental_illness,
       nullif(published(m.mental_health_details), '-') AS mental_illness_detail
FROM mother_jones_attackers
LEFT JOIN (SELECT source_record_id, race, prior_signs_mental_health_issues,
                  mental_health_details
           FROM mother_jones) AS m USING (source_record_id);

-- `weapon_type` free text split into items and typed by keyword in parse (the same
-- rules as wapo: handgun/pistol/revolver/derringer -> handgun, rifle -> rifle,
-- shotgun, knife; counts only where the item starts with a number word).
CREATE OR REPLACE TEMP VIEW weapons AS
SELECT 'mother_jones' AS source, source_record_id, weapon_type, count, weapon_raw,
       -- weapons_obtained_legally (Yes/No), where_obtained and weapon_details are per
       -- record: on every weapon row of the record, '-' = missing
       nullif(published(m.weapons_obtained_legally), '-') AS obtained_raw,
       vocab('weapon_source', 'mother_jones', obtained_raw) AS obtained,
       nullif(published(m.where_obtained), '-') AS obtained_detail,
       nullif(published(m.weapon_details), '-') AS weapon_detail
FROM mother_jones_weapons
LEFT JOIN (SELECT source_record_id, weapons_obtained_legally, where_obtained, weapon_details
           FROM mother_jones) AS m USING (source_record_id);
