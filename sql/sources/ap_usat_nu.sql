-- AP / USA TODAY / Northeastern Mass Killing Database -> contract.
-- Quirks handled in parse (Polars): UTF-8 BOM on the header, ids/injured/coordinates
-- as quoted strings, CRLF inside quoted offender cells, detail rows pointing at a
-- missing incident (rejected as "no such incident", never silently dropped).
--
-- killed / injured: `num_victims_killed` / `num_victims_injured` (victims only; AP
-- never counts the offender). The victims table lists exactly the killed victims
-- (its rows per incident equal num_victims_killed for all 615 incidents), so every
-- victim row is injury 'killed'.
-- attackers: `num_offenders`; 0 (two incidents with no offender identified) -> NULL.
-- No time of day, no incident name.
--
-- How it ended comes from the OFFENDERS table, mapped per offender:
--   outcome 'Suicide', or 'Killed' with suicide = TRUE -> suicide by self, died
--   outcome 'Killed' and the incident narrative says, within one sentence, that
--     police / officers / deputies / troopers / SWAT / a sniper shot or killed
--     (AP has no "killed by" field; 'Killed' is almost always by police, but one
--     offender was killed by his accomplice and one in Mexico) -> shot by police
--     (stopped_by derived from the narrative), died
--   other 'Killed'                                   -> how and who unknown, died
--   arrested, charged, tried, sentenced, acquitted, charges dropped, incompetent,
--     and died or killed themselves awaiting trial   -> apprehended, who unknown (an
--     arrest may come days later), survived the attack (derived: implied by the
--     arrest)
--   'Unsolved' (offender never identified) or 'Fugitive' -> fled, stopped by none:
--     nobody was caught at or after the scene, so the attacker got away; fate unknown
--   anything else                                    -> unknown
-- The incident takes end_method and stopped_by from the first offender in this
-- precedence: suicide > shot > apprehended > fled > unknown; attacker_fate over all
-- offenders (all died -> died, all survived -> survived, some of each -> mixed, else
-- unknown), basis 'stated' unless a survival implied by an arrest went into it.
-- The suicide flag alone is not trusted against an arrest outcome (one offender is
-- suicide = TRUE with outcome 'Arrested/Pending trial'; kept as apprehended).
-- The narrative then corrects the ending where it tells it (ap_narrative_endings, a
-- phrase table; each use is listed in `derivations`): "before fleeing", "had fled",
-- "fled the scene/state" -> fled, stopped by none, even when the offender was caught
-- or killed later (the Chicago 2010 suspects fled and one was killed by police after
-- a chase; "while on the run", "later died in a shootout"); "shot himself but survived" -> attempted_suicide by self (over an
-- arrest or sentence); "remains unsolved" -> fled, none (no offender rows).
-- ended_before_police, which AP has no field for, is set only where the narrative
-- tells it, by the same table: TRUE when the attackers had fled or police responded
-- and "found" the dead; FALSE when the attacker was killed by responding officers,
-- in a shootout with police, or during a standoff with police. Otherwise NULL (both
-- directions are recorded, so the share is not one-sided, but most records are NULL).
-- attacker_outcome_raw = the offenders' `outcome` values joined with "; ".

-- location_type from `location_type` (raw kept): Residence/Other shelter (includes
-- hotels, shelters and drug houses per `location`) -> residence;
-- Commercial/Retail/Entertainment -> commerce; School/College -> education;
-- Government/Transit -> government (AP does not separate the two, and codes
-- military sites such as Fort Hood here); House of Worship -> house_of_worship;
-- Medical facility -> health_care; Open space -> open_space; Multiple, Vehicle and
-- Other -> other.
--
-- weapons: one row per incident, weapon type and raw description, count = number of
-- AP weapon rows. gun: gun_type decides (handgun / semiautomatic handgun / revolver /
-- pistol / automatic handgun -> handgun; rifle / semiautomatic rifle -> rifle;
-- shotgun -> shotgun), else gun_class HG -> handgun, else other_firearm (long gun
-- of unstated type, or gun of unknown class "UG"), so every firearm is one of
-- handgun/rifle/shotgun/other_firearm. knife -> knife; vehicle -> vehicle; fire,
-- sharp object (axes, machetes...), blunt object, strangulation, explosive, other
-- -> other. weapon_raw = "weapon_type / gun_class / gun_type".
CREATE OR REPLACE TEMP TABLE ap_narrative_endings AS
SELECT * FROM (VALUES
    (1, '(?i)\b(shot|stabbed) (himself|herself)[^.]*\bsurvived', 'shot himself but survived',
     'attempted_suicide', 'self', NULL),
    (2, '(?i)\b(before fleeing|had fled|fled the (scene|state))\b', 'fled',
     'fled', 'none', TRUE),
    (2, '(?i)\b(while on the run|later (died|was killed) in a shootout|'
        || 'shootout with (the )?police later)\b', 'on the run, caught later',
     'fled', 'none', TRUE),
    (3, '(?i)\b(remains|is still|was never) unsolved\b', 'remains unsolved',
     'fled', 'none', NULL),
    (4, '(?i)\b(police|officers|deputies) (responded|arrived)[^.]*\bfound\b',
     'police responded and found', NULL, NULL, TRUE),
    (5, '(?i)\b(killed by (the )?responding|shootout with (the )?(responding )?police|'
        || 'standoff with police)', 'killed by responding police, shootout or standoff',
     NULL, NULL, FALSE)
) AS t(priority, pattern, label, end_method, stopped_by, ended_before_police);
-- The narratives each pattern matches, each pattern compiled once: see
-- pattern_hits_sql in sql/normalize/fields.sql.
SET VARIABLE ap_narrative_endings_hits = (
    SELECT pattern_hits_sql('ap_incidents', 'narrative', list(pattern))
    FROM ap_narrative_endings
);

CREATE OR REPLACE TEMP VIEW ap_narrative_ending AS
SELECT
    i.source_record_id,
    arg_min(e.end_method, e.priority) FILTER (e.end_method IS NOT NULL) AS end_method,
    arg_min(e.stopped_by, e.priority) FILTER (e.end_method IS NOT NULL) AS stopped_by,
    arg_min(e.label, e.priority) FILTER (e.end_method IS NOT NULL) AS ending_phrase,
    arg_min(e.ended_before_police, e.priority) FILTER (e.ended_before_police IS NOT NULL)
        AS ended_before_police,
    arg_min(e.label, e.priority) FILTER (e.ended_before_police IS NOT NULL)
        AS arrival_phrase
FROM query(getvariable('ap_narrative_endings_hits')) AS i
JOIN ap_narrative_endings AS e USING (pattern)
GROUP BY i.source_record_id;

CREATE OR REPLACE TEMP VIEW ap_police_narrative AS
SELECT
    source_record_id,
    coalesce(regexp_matches(
        narrative,
        '(?i)(police|officer|deputy|deputies|trooper|swat|law enforcement|sniper)[^.]*'
        || '(kill|shot|shoot|fire|dead|fatal)'
        || '|(kill|shot|shoot|dead|fatal)[^.]*'
        || '(police|officer|deputy|deputies|trooper|swat|law enforcement|sniper)'
    ), FALSE) AS police_killing_told
FROM ap_incidents;

CREATE OR REPLACE TEMP VIEW ap_offender_fates AS
SELECT
    o.*,
    CASE
        WHEN o.outcome = 'Suicide' THEN 'suicide'
        WHEN o.outcome = 'Killed' AND upper(o.suicide) = 'TRUE' THEN 'suicide'
        WHEN o.outcome = 'Killed' AND n.police_killing_told THEN 'shot'
        WHEN o.outcome = 'Killed' THEN 'unknown'
        WHEN o.outcome IN ('Arrested/Pending trial', 'Convicted', 'Prison sentence',
                           'Life sentence', 'Life with parole', 'Life without parole',
                           'Death sentence', 'Sentenced as juvenile', 'Acquitted',
                           'Charges dropped', 'Incompetent', 'Legally insane',
                           'Died awaiting trial', 'Suicide awaiting trial')
            THEN 'apprehended'
        WHEN o.outcome IN ('Unsolved', 'Fugitive') THEN 'fled'
        ELSE 'unknown'
    END AS end_method,
    CASE
        WHEN o.outcome = 'Killed' AND upper(o.suicide) = 'TRUE' THEN 'died'
        WHEN o.outcome IN ('Suicide', 'Killed') THEN 'died'
    END AS stated_fate
FROM ap_offenders AS o
JOIN ap_police_narrative AS n USING (source_record_id);

CREATE OR REPLACE TEMP VIEW ap_incident_fates AS
WITH offenders AS (
    SELECT
        *,
        CASE end_method WHEN 'suicide' THEN 'self' WHEN 'shot' THEN 'police'
            WHEN 'fled' THEN 'none' ELSE 'unknown' END AS stopped_by,
        coalesce(stated_fate, CASE WHEN end_method = 'apprehended' THEN 'survived' END,
                 'unknown') AS fate
    FROM ap_offender_fates
)
SELECT
    source_record_id,
    arg_min(end_method, CASE end_method WHEN 'suicide' THEN 1 WHEN 'shot' THEN 2
                            WHEN 'apprehended' THEN 3 WHEN 'fled' THEN 4 ELSE 5 END)
        AS end_method,
    arg_min(stopped_by, CASE end_method WHEN 'suicide' THEN 1 WHEN 'shot' THEN 2
                            WHEN 'apprehended' THEN 3 WHEN 'fled' THEN 4 ELSE 5 END)
        AS stopped_by,
    CASE
        WHEN bool_and(fate = 'died') THEN 'died'
        WHEN bool_and(fate = 'survived') THEN 'survived'
        WHEN bool_or(fate = 'died') AND bool_or(fate = 'survived') THEN 'mixed'
        ELSE 'unknown'
    END AS attacker_fate,
    bool_or(fate = 'survived' AND stated_fate IS NULL) AS survival_implied,
    string_agg(DISTINCT outcome, '", "' ORDER BY outcome)
        FILTER (fate = 'survived' AND stated_fate IS NULL) AS arrest_outcomes,
    string_agg(outcome, '; ' ORDER BY item_no) AS attacker_outcome_raw
FROM offenders
GROUP BY source_record_id;

CREATE OR REPLACE TEMP VIEW source_records AS
SELECT
    'ap_usat_nu' AS source,
    i.source_record_id,
    NULL AS incident_name,
    i.incident_date,
    NULL::TIME AS start_time,
    NULL AS start_time_precision,
    nullif(trim(i.city), '') AS city,
    i.state_code AS state,
    i.state AS state_raw,
    nullif(trim(i.county), '') AS county,
    i.latitude_n AS latitude,
    i.longitude_n AS longitude,
    CASE trim(i.location_type)
        WHEN 'Residence/Other shelter' THEN 'residence'
        WHEN 'Commercial/Retail/Entertainment' THEN 'commerce'
        WHEN 'School/College' THEN 'education'
        WHEN 'Government/Transit' THEN 'government'
        WHEN 'House of Worship' THEN 'house_of_worship'
        WHEN 'Medical facility' THEN 'health_care'
        WHEN 'Open space' THEN 'open_space'
        WHEN 'Multiple' THEN 'other'
        WHEN 'Vehicle' THEN 'other'
        WHEN 'Other' THEN 'other'
        ELSE 'unknown'
    END AS location_type,
    i.location_type AS location_type_raw,
    CASE WHEN location_type <> 'unknown' THEN 'stated' END AS location_type_basis,
    i.killed_n AS killed,
    i.num_victims_killed AS killed_raw,
    i.injured_n AS injured,
    i.num_victims_injured AS injured_raw,
    nullif(i.num_offenders_n, 0) AS attackers,
    coalesce(n.narrative_method, f.end_method, 'unknown') AS end_method,
    f.attacker_outcome_raw,
    CASE WHEN n.narrative_method IS NOT NULL THEN n.stopped_by
         ELSE coalesce(f.stopped_by, 'unknown') END AS stopped_by,
    coalesce(f.attacker_fate, 'unknown') AS attacker_fate,
    CASE WHEN f.attacker_fate IN ('died', 'survived', 'mixed')
         THEN CASE WHEN f.survival_implied THEN 'derived' ELSE 'stated' END END
        AS attacker_fate_basis,
    list_filter([
        CASE WHEN f.stopped_by = 'police' AND n.narrative_method IS NULL
             THEN 'end_method: shot, from the narrative (police shot or killed the offender)'
             END,
        CASE WHEN f.stopped_by = 'police' AND n.narrative_method IS NULL
             THEN 'stopped_by: police, from the narrative '
             || '(police shot or killed the offender)' END,
        CASE WHEN n.narrative_method IS NOT NULL
             THEN format('end_method: {}, from the narrative ("{}")', n.narrative_method,
                         n.ending_phrase) END,
        CASE WHEN n.narrative_method IS NOT NULL
             THEN format('stopped_by: {}, from the narrative ("{}")', n.stopped_by,
                         n.ending_phrase) END,
        CASE WHEN n.ended_before_police IS NOT NULL
             THEN format('ended_before_police: {}, from the narrative ("{}")',
                         lower(n.ended_before_police::VARCHAR), n.arrival_phrase) END,
        CASE WHEN f.attacker_fate IN ('survived', 'mixed') AND f.survival_implied
             THEN format('attacker_fate: {}, survival implied by the offender outcome "{}"',
                         f.attacker_fate, f.arrest_outcomes) END
    ], lambda d: d IS NOT NULL) AS derivations,
    n.ended_before_police,
    NULL::DOUBLE AS duration_min,
    CASE WHEN i.duplicate_id THEN ['duplicate_id_in_source']
         ELSE []::VARCHAR[] END AS quality_flags,
    published(i.narrative) AS narrative,
    CASE WHEN published(i.narrative) IS NOT NULL THEN 'narrative' END AS narrative_field,
    published(i.situation_type) AS situation_raw,
    vocab('situation', 'ap_usat_nu', published(i.situation_type)) AS situation,
    published(i.census_tract_geoid) AS census_tract,
    i.source_file,
    i.source_row
FROM ap_incidents AS i
LEFT JOIN ap_incident_fates AS f USING (source_record_id)
LEFT JOIN (
    -- the narrative's ending replaces the offenders' where it differs: a flight always,
    -- an attempted suicide only over an arrest or nothing
    SELECT e.*, CASE
        WHEN e.end_method = 'fled' AND coalesce(o.end_method, '') <> 'fled' THEN 'fled'
        WHEN e.end_method = 'attempted_suicide'
             AND coalesce(o.end_method, 'unknown') IN ('apprehended', 'unknown')
            THEN 'attempted_suicide'
        END AS narrative_method
    FROM ap_narrative_ending AS e
    LEFT JOIN ap_incident_fates AS o USING (source_record_id)
) AS n USING (source_record_id);

CREATE OR REPLACE TEMP VIEW attackers AS
SELECT
    'ap_usat_nu' AS source,
    source_record_id,
    item_no AS attacker_no,
    age_n AS age,
    CASE lower(trim(sex)) WHEN 'male' THEN 'male' WHEN 'female' THEN 'female' END AS sex,
    nullif(trim(outcome), '') AS outcome_raw,
    published(race) AS race_raw,
    vocab('race', 'ap_usat_nu', race_raw) AS race,
    published(criminal_justice_process) AS justice_process_raw,
    published(sentence_type) AS sentence_raw,
    published(sentence_details) AS sentence_detail
FROM ap_offenders;

CREATE OR REPLACE TEMP VIEW victims AS
SELECT
    'ap_usat_nu' AS source,
    source_record_id,
    item_no AS victim_no,
    age_n AS age,
    CASE lower(trim(sex)) WHEN 'male' THEN 'male' WHEN 'female' THEN 'female' END AS sex,
    'killed' AS injury,
    -- vorelationship: the victim's relationship to the offender
    published(vorelationship) AS relationship_raw,
    vocab('relationship', 'ap_usat_nu', relationship_raw) AS relationship,
    published(race) AS race_raw,
    vocab('race', 'ap_usat_nu', race_raw) AS race
FROM ap_victims;

CREATE OR REPLACE TEMP VIEW weapons AS
SELECT 'ap_usat_nu' AS source, source_record_id, weapon_type, count(*) AS count, weapon_raw,
       -- if_assault_rifle_used is per incident: every weapon row of it carries it
       any_value(i.assault_weapon_raw) AS assault_weapon_raw,
       any_value(vocab_flag('yes_no', 'ap_usat_nu', i.assault_weapon_raw)) AS assault_weapon
FROM (
    SELECT
        source_record_id,
        CASE
            WHEN kind = 'gun' THEN CASE
                WHEN gun_kind IN ('handgun', 'semiautomatic handgun', 'revolver', 'pistol',
                                  'automatic handgun') THEN 'handgun'
                WHEN gun_kind IN ('rifle', 'semiautomatic rifle') THEN 'rifle'
                WHEN gun_kind = 'shotgun' THEN 'shotgun'
                WHEN gun_kind IS NULL AND gun_class_ = 'HG' THEN 'handgun'
                ELSE 'other_firearm'
            END
            WHEN kind = 'knife' THEN 'knife'
            WHEN kind = 'vehicle' THEN 'vehicle'
            WHEN kind IS NULL THEN 'unknown'
            ELSE 'other'
        END AS weapon_type,
        concat_ws(' / ', nullif(trim(weapon_type), ''), nullif(trim(gun_class), ''),
                  nullif(trim(gun_type), '')) AS weapon_raw
    FROM ap_weapons,
    LATERAL (SELECT lower(nullif(trim(weapon_type), '')) AS kind,
                    upper(nullif(trim(gun_class), '')) AS gun_class_,
                    lower(nullif(trim(gun_type), '')) AS gun_kind)
)
LEFT JOIN (SELECT source_record_id, published(if_assault_rifle_used) AS assault_weapon_raw
           FROM ap_incidents) AS i USING (source_record_id)
GROUP BY ALL;
