-- Stanford Mass Shootings in America -> contract.
-- Parse (Polars) reads the CRLF/LF CSV, turns "Unknown" into NULL, folds category
-- labels with normalize_label (lower case, no space around "/", no trailing "?"),
-- suffixes the second use of CaseID 156 and 168 with "#2" and flags both rows of
-- each pair `duplicate_id_in_source`. Ten 2016 shootings were entered twice under
-- different CaseIDs (247/271, 250/282, 251/285, 253/286, 255/290, 256/293, 257/294,
-- 258/301, 259/302, 260/303; the reviewed list pipelines/sources/
-- stanford_msa_duplicates.csv): both rows are kept, the second (`duplicate_of` set
-- in parse) is flagged duplicate_record_in_source.
--
-- killed = civilian + enforcement fatalities, injured = civilian + enforcement
-- injured (victims only). `Total Number of Fatalities` includes shooters who died:
-- it exceeds civilian + enforcement fatalities in 140 rows, all with a shooter who
-- died (by 1 in 135 of them, by 2 or 4 in the others), so it is
-- not used (in 6 rows it is even below the components). Where it exceeds `killed` and
-- the shooter died, the record is flagged attacker_removed_from_killed (as a source
-- whose headline figure counts the attacker; no `derivations` entry: `killed` is the
-- stated components). `Total Number of Victims` equals killed +
-- injured in 334 of 335 rows. No time of day. ended_before_police is NULL: some
-- descriptions tell (Pulse "after a three-hour standoff with the Orlando police he
-- was shot and killed"), but Stanford has no field for it and its descriptions rarely
-- say the attack was over before police came, so FALSE from police killings alone
-- would make a one-sided share. killed_raw / injured_raw quote the columns as written
-- ("Number of Civilian Fatalities 3; Number of Enforcement Fatalities 0; Total
-- Number of Fatalities 4").
-- Warning casualty_offsets (Stanford one above ALERRT in 11 of 83 linked pairs) is not
-- the shooter: in all 11 `killed` is the victims' columns (the shooter, where he died,
-- is the extra one in the Total). In 6 ALERRT's strict kill_tot leaves out a victim
-- killed away from the public attack, whom its own kill_tot_incl counts (Sandy Hook
-- 138: the mother at home, kill_tot 26, kill_tot_incl 27 = Stanford 27); in 3 the
-- description backs Stanford (Goleta 90: "killed her former neighbor ... killing six";
-- Damageplan 87; Salon Meritage 125); in 2 (Navistar 79, Atlantis Plastics 108) Stanford
-- is one above every other list, but its own Total Number of Victims agrees with it.
-- Three records whose columns contradict their description (CaseID 197, 320, 6) take
-- the figures of the reviewed list pipelines/sources/stanford_msa_casualties.csv,
-- which the source's own totals support; they are flagged
-- casualties_contradict_narrative and the `derivations` entry quotes the text.
--
-- How it ended, from `Fate of Shooter at the scene` and `Shooter's Cause of Death`
-- (the fate after the incident, `Fate of Shooter`, is not about the scene), first
-- match wins, the same precedence as ap_usat_nu:
--   cause suicide or killed/suicide (one shooter killed, one suicide) -> suicide by
--     self
--   cause killed or fate at the scene "killed", and the description says the shooter
--     was caught and killed later ("later killed", "manhunt", "tracked down", "chase")
--                                  -> fled, stopped by none (both derived; Lakewood
--     2009: "After a two-day manhunt, the gunman was shot and killed by a police officer")
--   cause killed or fate at the scene "killed", and the description says police /
--     officers / deputies / troopers / SWAT / a sniper killed the shooter ("killed by
--     police", "killed in a shoot-out with the police", "Police shot and killed the
--     shooter"; police named only as victims, "shot and killed four off-duty police
--     officers", do not count; Stanford does not say who killed the shooter, civilians
--     did in a few cases)          -> shot by police (stopped_by derived)
--   fate custody, arrested, custody/escaped (one of several shooters caught)
--                                              -> apprehended, who unknown
--   fate escaped                               -> fled, stopped by none
--   anything else (deceased without a cause, killed by someone unnamed, "FALSE")
--                                              -> unknown
-- attacker_fate: deceased at the scene or after (`Fate of Shooter`), or a cause of
-- death (killed, suicide) -> died (stated); custody, arrested, escaped or
-- custody/escaped without a death -> survived (derived: alive when taken or when
-- leaving the scene).
-- attacker_outcome_raw = fate at the scene; cause of death (raw spellings).

-- location_type from `Place Type` (normalized labels; raw kept): residential home /
-- neighborhood -> residence; primary, secondary school, college/university ->
-- education; company/factory/office, retail/wholesale/services, restaurant/cafe,
-- entertainment venue -> commerce; government facility -> government; military
-- facility -> military; place of worship -> house_of_worship; medical/care ->
-- health_care; street/highway, park/wilderness -> open_space; public
-- transportation and the four cells naming two place types -> other; Unknown ->
-- the shared keyword table on the Title (location_keyword; basis derived, with a
-- `derivations` entry: "Chicago bus stop ambush" -> other), else unknown. `School
-- Related` agrees with the school/college place types and is not needed (the three
-- Unknown places are not school related).
--
-- weapons: Number of Handguns / Rifles / Shotguns, one row per type with a count
-- > 0 (as fbi.sql). Where no count is positive (Unknown or 0), one row from `Type
-- of Gun - General` (Handgun / Rifle / Shotgun, count NULL), else 'unknown'.
-- "0 (1)" and "2 (1)" counts and "Handgun" in the shotgun column are rejected.
--
-- `Depreciation` (1 fits the criteria, 2 uncertain, 0 does not fit) has no
-- matching quality flag; the records are kept as the source publishes them.
-- Words for the police in the patterns below; a session variable, so each pattern is
-- one constant compiled once (a pattern built from a column is compiled per row).
SET VARIABLE stanford_police_words =
    '(police|officers?|deput(y|ies)|troopers?|swat|law enforcement|sniper)';
CREATE OR REPLACE TEMP VIEW stanford_mapped AS
SELECT
    *,
    coalesce(regexp_matches(
        description,
        '(?i)\b(killed|shot|fatally shot|fatally wounded|shot dead)( and killed)?'
        || '( [^.]{0,20})? by [^.]{0,40}' || getvariable('stanford_police_words')
        || '|\b(killed|died|shot)[^.]{0,20} (in|after) a (shoot-?out|gun battle|standoff) '
        || 'with [^.]{0,30}' || getvariable('stanford_police_words')
        || '|\b(standoff|shoot-?out|gun battle) with [^.]{0,30}' || getvariable('stanford_police_words')
        || '[^.]{0,40}(shot|killed)'
        || '|\breturn fire from [^.]{0,30}' || getvariable('stanford_police_words')
    ) OR (
        regexp_matches(description, '(?i)' || getvariable('stanford_police_words'))
        AND regexp_matches(description,
            '(?i)\b(shot and killed|killed|fatally shot) the (suspected )?'
            || '(gunman|shooter|suspect|perpetrator)'
            || '|\bkilling (him|her|the (gunman|shooter|suspect|perpetrator))\b')
    ), FALSE) AS police_killing_told,
    coalesce(regexp_matches(
        description,
        '(?i)\blater (shot|killed|run down)|\b(was|were) later (shot|killed)'
        || '|\bmanhunt\b|\btracked down\b|\bchased?\b|\bcycling away\b'
    ), FALSE) AS caught_later_told,
    CASE
        WHEN cause IN ('suicide', 'killed/suicide') THEN 'suicide'
        WHEN (cause = 'killed' OR fate_scene = 'killed') AND caught_later_told THEN 'fled'
        WHEN (cause = 'killed' OR fate_scene = 'killed') AND police_killing_told
            THEN 'shot'
        WHEN fate_scene IN ('custody', 'arrested', 'custody/escaped') THEN 'apprehended'
        WHEN fate_scene = 'escaped' THEN 'fled'
        ELSE 'unknown'
    END AS end_method,
    CASE
        WHEN fate_scene IN ('deceased', 'killed') OR fate = 'deceased'
          OR cause IN ('suicide', 'killed', 'killed/suicide') THEN 'died'
        WHEN fate_scene IN ('custody', 'arrested', 'escaped', 'custody/escaped')
            THEN 'survived'
        ELSE 'unknown'
    END AS attacker_fate
FROM stanford;

CREATE OR REPLACE TEMP VIEW source_records AS
SELECT
    'stanford_msa' AS source,
    source_record_id,
    incident_name,
    incident_date,
    NULL::TIME AS start_time,
    NULL AS start_time_precision,
    city,
    state,
    state_raw,
    NULL AS county,
    latitude,
    longitude,
    CASE place
        WHEN 'residential home/neighborhood' THEN 'residence'
        WHEN 'residential home' THEN 'residence'
        WHEN 'primary school' THEN 'education'
        WHEN 'secondary school' THEN 'education'
        WHEN 'college/university/adult education' THEN 'education'
        WHEN 'company/factory/office' THEN 'commerce'
        WHEN 'retail/wholesale/services facility' THEN 'commerce'
        WHEN 'restaurant/cafe' THEN 'commerce'
        WHEN 'restaurant/cafeé' THEN 'commerce'
        WHEN 'entertainment venue' THEN 'commerce'
        WHEN 'government facility' THEN 'government'
        WHEN 'military facility' THEN 'military'
        WHEN 'place of worship' THEN 'house_of_worship'
        WHEN 'medical/care' THEN 'health_care'
        WHEN 'street/highway' THEN 'open_space'
        WHEN 'park/wilderness' THEN 'open_space'
        WHEN 'park/wildness' THEN 'open_space'
        WHEN 'public transportation' THEN 'other'
        WHEN 'retail/wholesale/services facility/residential home/neighborhood' THEN 'other'
        WHEN 'residential home/neighborhood, retail/wholesale/services facility' THEN 'other'
        WHEN 'residential home/neighborhood and street/highway' THEN 'other'
        WHEN 'retail/wholesale/services facility and primary school' THEN 'other'
        ELSE 'unknown'
    END AS stated_location_type,
    CASE WHEN stated_location_type = 'unknown' THEN title_keyword END AS name_keyword,
    coalesce(struct_extract(name_keyword, 'location_type'), stated_location_type)
        AS location_type,
    place_raw AS location_type_raw,
    CASE WHEN location_type <> stated_location_type THEN 'derived'
         WHEN location_type <> 'unknown' THEN 'stated' END AS location_type_basis,
    coalesce(review_killed, civ_killed + le_killed) AS killed,
    concat_ws('; ', 'Number of Civilian Fatalities ' || trim(civ_killed_raw),
              'Number of Enforcement Fatalities ' || trim(le_killed_raw),
              'Total Number of Fatalities ' || trim(total_fatalities_raw)) AS killed_raw,
    coalesce(review_injured, civ_injured + le_injured) AS injured,
    concat_ws('; ', 'Number of Civilian Injured ' || trim(civ_injured_raw),
              'Number of Enforcement Injured ' || trim(le_injured_raw)) AS injured_raw,
    coalesce(review_officers_killed, le_killed) AS officers_killed,
    coalesce(review_officers_injured, le_injured) AS officers_injured,
    shooters AS attackers,
    end_method,
    nullif(concat_ws('; ', trim(fate_scene_raw), trim(cause_raw)), '') AS attacker_outcome_raw,
    CASE end_method
        WHEN 'suicide' THEN 'self'
        WHEN 'shot' THEN 'police'
        WHEN 'fled' THEN 'none'
        ELSE 'unknown'
    END AS stopped_by,
    attacker_fate,
    CASE attacker_fate WHEN 'died' THEN 'stated' WHEN 'survived' THEN 'derived' END
        AS attacker_fate_basis,
    NULL::BOOLEAN AS ended_before_police,
    NULL::DOUBLE AS duration_min,
    list_concat(
        CASE WHEN duplicate_id THEN ['duplicate_id_in_source'] ELSE []::VARCHAR[] END,
        CASE WHEN duplicate_of IS NOT NULL THEN ['duplicate_record_in_source']
             ELSE []::VARCHAR[] END,
        CASE WHEN review_quote IS NOT NULL THEN ['casualties_contradict_narrative']
             ELSE []::VARCHAR[] END,
        CASE WHEN total_fatalities > killed AND attacker_fate = 'died'
             THEN ['attacker_removed_from_killed'] ELSE []::VARCHAR[] END
    ) AS quality_flags,
    list_concat(list_filter([
        CASE WHEN location_type_basis = 'derived' THEN
            keyword_derivation('Title', incident_name, title_keyword) END,
        CASE WHEN end_method = 'fled' AND fate_scene <> 'escaped' THEN 'end_method: fled, '
             || 'from the description (the shooter left the scene and was killed later)' END,
        CASE WHEN end_method = 'fled' AND fate_scene <> 'escaped' THEN 'stopped_by: none, '
             || 'from the description (the shooter left the scene)' END,
        CASE WHEN end_method = 'shot' THEN 'stopped_by: police, from the description '
             || '(police shot or killed the shooter)' END,
        CASE WHEN attacker_fate = 'survived' THEN format(
            'attacker_fate: survived, implied by the fate at the scene "{}"',
            trim(fate_scene_raw)) END
    ], lambda d: d IS NOT NULL), CASE WHEN review_quote IS NOT NULL THEN [format(
        'killed: {}, injured: {} (officers killed {}, injured {}), from the description "{}", not '
        || 'the columns ({}): {}', review_killed, review_injured, review_officers_killed,
        review_officers_injured, review_quote,
        concat_ws('; ', 'civilian fatalities ' || trim(civ_killed_raw),
                  'civilian injured ' || trim(civ_injured_raw),
                  'enforcement fatalities ' || trim(le_killed_raw),
                  'enforcement injured ' || trim(le_injured_raw)),
        review_support)] ELSE []::VARCHAR[] END) AS derivations,
    published(description) AS narrative,
    CASE WHEN narrative IS NOT NULL THEN 'Description' END AS narrative_field,
    published(motive_raw) AS situation_raw,  -- Possible Motive - General
    vocab('situation', 'stanford_msa', situation_raw) AS situation,
    published(targeted_raw) AS targeting_raw,  -- Targeted Victim/s - General
    vocab('targeting', 'stanford_msa', targeting_raw) AS targeting,
    source_file,
    source_row
-- the keyword of the Title, once per row (location_keywords.sql)
FROM (SELECT *, location_keyword(incident_name) AS title_keyword
      FROM stanford_mapped) AS stanford_mapped;

-- A fate or cause naming several outcomes ("Custody/Escaped", "Killed/Suicide")
-- cannot be given to one shooter, so those shooters get no outcome_raw.
CREATE OR REPLACE TEMP VIEW attackers AS
SELECT
    'stanford_msa' AS source,
    a.source_record_id,
    a.attacker_no,
    a.age,
    CASE lower(a.sex_raw) WHEN 'male' THEN 'male' WHEN 'female' THEN 'female' END AS sex,
    CASE WHEN NOT contains(coalesce(s.fate_scene, ''), '/')
              AND NOT contains(coalesce(s.cause, ''), '/')
         THEN nullif(concat_ws('; ', trim(s.fate_scene_raw), trim(s.cause_raw)), '')
    END AS outcome_raw,
    -- Shooter Race, Relationship to Incident Location, History of Mental Illness -
    -- General and Military Experience are per record: every shooter of it carries them
    -- (a combined race such as "Asian American/Some other race" maps to multiple)
    published(s.shooter_race_raw) AS race_raw,
    vocab('race', 'stanford_msa', race_raw) AS race,
    published(s.location_relationship_raw) AS relationship_raw,
    vocab('relationship', 'stanford_msa', relationship_raw) AS relationship,
    published(s.mental_illness_raw) AS mental_illness_raw,
    vocab_flag('yes_no', 'stanford_msa', mental_illness_raw) AS mental_illness,
    published(s.mental_illness_detail_raw) AS mental_illness_detail,
    published(s.military_raw) AS military_experience_raw,
    vocab_flag('yes_no', 'stanford_msa', military_experience_raw) AS military_experience
FROM stanford_attackers AS a
JOIN stanford AS s USING (source_record_id);

CREATE OR REPLACE TEMP VIEW weapons AS
SELECT 'stanford_msa' AS source, source_record_id, weapon_type, n AS count, weapon_raw,
       -- Type of Gun - Detailed, per record, on each weapon row of the record
       (SELECT published(d.gun_detailed_raw) FROM stanford AS d
        WHERE d.source_record_id = w.source_record_id) AS weapon_detail
FROM (
    SELECT source_record_id, 'handgun' AS weapon_type, handguns AS n,
           'Number of Handguns' AS weapon_raw
    FROM stanford WHERE handguns > 0
    UNION ALL
    SELECT source_record_id, 'rifle', rifles, 'Number of Rifles' FROM stanford WHERE rifles > 0
    UNION ALL
    SELECT source_record_id, 'shotgun', shotguns, 'Number of Shotguns'
    FROM stanford WHERE shotguns > 0
    UNION ALL
    SELECT source_record_id,
           CASE gun_general
               WHEN 'handgun' THEN 'handgun'
               WHEN 'rifle' THEN 'rifle'
               WHEN 'semi-automatic rifle' THEN 'rifle'
               WHEN 'shotgun' THEN 'shotgun'
               ELSE 'unknown'
           END,
           NULL,
           coalesce(trim(gun_general_raw), 'Type of Gun - General blank')
    FROM stanford
    WHERE coalesce(handguns, 0) + coalesce(rifles, 0) + coalesce(shotguns, 0) = 0
) AS w;
