-- K-12 School Shooting Database (CHDS, 2022 release) -> contract.
-- Frames from parse: k12ssdb (INCIDENT sheet), k12ssdb_shooters, k12ssdb_victims,
-- k12ssdb_weapons (child rows already attached to an incident; orphans are rejects).
-- * killed/injured are counted from the VICTIM sheet: killed = rows with injury
--   'Fatal'; injured = 'Wounded' or 'Minor Injuries' (mostly BB/pellet hits and
--   grazes: people hurt by the shots); 'None' (threatened, unhurt) counts for
--   neither. An incident with no VICTIM rows gets 0/0: its Summary reads "shots
--   fired", "bus struck by bullet", or the shooter shot only himself; shooters are
--   never victims. Exceptions seen and left alone: 19700226CABAB (a stray copy of
--   19790226CABAB, which has the 3 victims) and 20210216NCTHS (a pellet-gun hit).
--   A VICTIM row with a blank or unknown injury makes both NULL (none in 2022).
--   The source writes no count, so killed_raw / injured_raw give the VICTIM rows
--   counted ("VICTIM rows with injury Fatal: 2", every row as written). Shooters are
--   on the SHOOTER sheet: a shooter who died is not in killed. A VICTIM row that is
--   itself a shooter (reviewed list k12ssdb_attacker_victims.csv, e.g. 20190610ILMEW,
--   two men who fired at each other) is left out of killed/injured and of the
--   victims table, and `derivations` says so.
-- * `20210902CASAL` is on two INCIDENT rows; its child rows carry only the id, so
--   they belong to the first row, and the later row (`#2`) gets NULL killed,
--   injured and attackers instead of a false 0. Both rows are flagged.
-- * How the attack ended is the FIRST shooter's `shooteroutcome` (SHOOTER sheet
--   order; 13 multi-shooter incidents disagree between shooters), mapped by
--   k12ssdb_outcomes (a data table) together with that shooter's fate:
--   "Apprehended/Killed by LE" and "... by SRO" are shot (died) or apprehended
--   (survived) by police (an SRO is a sworn officer); "... by Other" is someone
--   neither police nor SRO: civilian, shot (died) or subdued (survived); "Subdued by
--   Students/Staff/Other" subdued by civilians; "Suicide" is suicide, or an attempt
--   when the shooter did not die; "Attempted Suicide"; "Fled/Apprehended" and
--   "Fled/Escaped" fled; "Surrendered" does not say to whom: the narrative may
--   (k12ssdb_narrative_endings: "surrendering to police" -> police, "surrendered gun
--   to janitor" -> civilian; derived, listed in `derivations`), else unknown. The
--   later row of a repeated id (no SHOOTER rows) takes "Shooter fled" from its
--   narrative (fled, none).
--   "Law Enforcement" marks a shooter who IS an officer: unknown/unknown.
-- * attacker_fate, stated, over every shooter: `shooterdied` Yes (or injury 'Fatal')
--   died, No survived; a "Suicide" without shooterdied died. All died -> died, all
--   survived -> survived, some of each -> mixed, else unknown.
-- * ended_before_police: the SSDB has no field for it. Inferring it from the
--   outcomes that imply it (police or SRO stopped the attack) would leave the
--   suicides and the fled unknown and bias any share built on it, so it is set only
--   where the Narrative tells it (k12ssdb_narrative_endings, derived): TRUE for
--   "and waiting for police", "and stayed ... until police", "before police arrived"
--   (not "while waiting for police", said of attacks still going on); FALSE for
--   "surrounded by police", "disarmed by police/officer/SRO", "engaged by a SRO".
--   Otherwise NULL.
-- * attacker_outcome_raw: every shooter's `shooteroutcome`, distinct, in SHOOTER
--   sheet order, joined with "; " (how the attack ended is still the first's).
-- * location_type: the workbook only lists shootings at K-12 schools, so every
--   record is 'education' except Location_Type 'Off School Property' ('unknown':
--   shots from or at a place next to a school; what kind of place is not coded).
-- * Weapons: one row per WEAPON row. 'Other' is nearly always a BB, pellet, airsoft
--   or starter gun: 'other' (one submachine gun: other_firearm). "Multiple ..." has
--   no count.
CREATE OR REPLACE TEMP VIEW k12ssdb_victims_mapped AS
SELECT
    v.* EXCLUDE (injury),
    a.evidence IS NOT NULL AS is_attacker,
    CASE injury_raw
        WHEN 'Fatal' THEN 'killed'
        WHEN 'Wounded' THEN 'injured'
        WHEN 'Minor Injuries' THEN 'injured'
    END AS injury,
    coalesce(injury_raw IN ('Fatal', 'Wounded', 'Minor Injuries', 'None'), FALSE)
        AS injury_known
FROM k12ssdb_victims AS v
LEFT JOIN k12ssdb_attacker_victims AS a
    ON a.source_record_id = v.source_record_id AND a.victim_no = v.item_no;

CREATE OR REPLACE TEMP VIEW k12ssdb_victim_counts AS
SELECT
    source_record_id,
    count(*) FILTER (injury = 'killed' AND NOT is_attacker) AS killed,
    count(*) FILTER (injury = 'injured' AND NOT is_attacker) AS injured,
    count(*) FILTER (NOT injury_known) AS unclear,
    count(*) FILTER (injury_raw = 'Fatal') AS fatal,
    list(format('{}: VICTIM row {} ({}) left out, one of the shooters (reviewed list)',
                CASE injury WHEN 'killed' THEN 'killed' ELSE 'injured' END, item_no,
                injury_raw) ORDER BY item_no)
        FILTER (is_attacker AND injury IS NOT NULL) AS attacker_rows,
    count(*) FILTER (injury_raw = 'Wounded') AS wounded,
    count(*) FILTER (injury_raw = 'Minor Injuries') AS minor_injuries
FROM k12ssdb_victims_mapped
GROUP BY source_record_id;

CREATE OR REPLACE TEMP VIEW k12ssdb_first_shooter AS
SELECT
    source_record_id,
    n AS shooters,
    shooteroutcome,
    CASE
        WHEN shooterdied = 'Yes' OR injury = 'Fatal' THEN TRUE
        WHEN shooterdied = 'No' THEN FALSE
    END AS died
FROM (
    SELECT *, count(*) OVER (PARTITION BY source_record_id) AS n
    FROM k12ssdb_shooters
)
WHERE item_no = 1;

-- Every shooter's outcome, distinct, in SHOOTER sheet order.
CREATE OR REPLACE TEMP VIEW k12ssdb_outcomes_raw AS
SELECT source_record_id, string_agg(outcome, '; ' ORDER BY first_item) AS outcomes
FROM (
    SELECT source_record_id, trim(shooteroutcome) AS outcome, min(item_no) AS first_item
    FROM k12ssdb_shooters
    WHERE nullif(trim(shooteroutcome), '') IS NOT NULL
    GROUP BY ALL
)
GROUP BY source_record_id;

-- What the Narrative says about the end: to whom a shooter surrendered, a flight on
-- a row with no SHOOTER rows, and whether police were there when it ended.
CREATE OR REPLACE TEMP TABLE k12ssdb_narrative_endings AS
SELECT * FROM (VALUES
    (1, '(?i)\bsurrender(ed|ing)? to (the )?(police|law enforcement|officers?|deputies|sro)\b',
     'surrendered to police', 'surrendered', 'police', NULL),
    (2, '(?i)\bsurrender(ed|ing)? (his |the )?(gun |weapon )?to (a |the )?(janitor|custodian|'
        || 'teacher|principal|staff|coach|counselor|administrator)',
     'surrendered to a staff member', 'surrendered', 'civilian', NULL),
    (3, '(?i)\bshooter fled\b', 'shooter fled', 'fled', 'none', NULL),
    (4, '(?i)\b((and|then) (wait(ed|ing)?|stayed|sat)[^.]{0,40}(for|until) (the )?police|'
        || 'before police arrived)',
     'waited for police / before police arrived', NULL, NULL, TRUE),
    (5, '(?i)\b(surrounded by police|disarmed by (a )?(police|officer|sro)|engaged by '
        || '(a |an |the )?(sro|officer|police))',
     'police on scene (surrounded, disarmed or engaged)', NULL, NULL, FALSE)
) AS t(priority, pattern, label, end_method, stopped_by, ended_before_police);
-- The narratives each pattern matches, each pattern compiled once (a join of the
-- narratives to this table's pattern column spent 0.09 s of CPU compiling them again
-- for every row, every build): see pattern_hits_sql in sql/normalize/fields.sql.
SET VARIABLE k12ssdb_narrative_endings_hits = (
    SELECT pattern_hits_sql('k12ssdb', 'Narrative', list(pattern))
    FROM k12ssdb_narrative_endings
);

CREATE OR REPLACE TEMP VIEW k12ssdb_narrative_ending AS
SELECT
    i.source_record_id,
    arg_min(e.end_method, e.priority) FILTER (e.end_method IS NOT NULL) AS end_method,
    arg_min(e.stopped_by, e.priority) FILTER (e.end_method IS NOT NULL) AS stopped_by,
    arg_min(e.label, e.priority) FILTER (e.end_method IS NOT NULL) AS ending_phrase,
    arg_min(e.ended_before_police, e.priority) FILTER (e.ended_before_police IS NOT NULL)
        AS ended_before_police,
    arg_min(e.label, e.priority) FILTER (e.ended_before_police IS NOT NULL)
        AS arrival_phrase
FROM query(getvariable('k12ssdb_narrative_endings_hits')) AS i
JOIN k12ssdb_narrative_endings AS e USING (pattern)
GROUP BY i.source_record_id;

CREATE OR REPLACE TEMP TABLE k12ssdb_outcomes AS
SELECT * FROM (VALUES
    ('Apprehended/Killed by LE', 'died', 'shot', 'police'),
    ('Apprehended/Killed by LE', 'survived', 'apprehended', 'police'),
    ('Apprehended/Killed by LE', 'unknown', 'unknown', 'police'),
    ('Apprehended/Killed by SRO', 'died', 'shot', 'police'),
    ('Apprehended/Killed by SRO', 'survived', 'apprehended', 'police'),
    ('Apprehended/Killed by SRO', 'unknown', 'unknown', 'police'),
    ('Apprehended/Killed by Other', 'died', 'shot', 'civilian'),
    ('Apprehended/Killed by Other', 'survived', 'subdued', 'civilian'),
    ('Apprehended/Killed by Other', 'unknown', 'unknown', 'civilian'),
    ('Subdued by Students/Staff/Other', NULL, 'subdued', 'civilian'),
    ('Suicide', 'survived', 'attempted_suicide', 'self'),
    ('Suicide', 'died', 'suicide', 'self'),
    ('Attempted Suicide', NULL, 'attempted_suicide', 'self'),
    ('Fled/Apprehended', NULL, 'fled', 'none'),
    ('Fled/Escaped', NULL, 'fled', 'none'),
    ('Surrendered', NULL, 'surrendered', 'unknown'),
    ('Law Enforcement', NULL, 'unknown', 'unknown'),
    ('Other', NULL, 'unknown', 'unknown'),
    ('Unknown', NULL, 'unknown', 'unknown')
) AS t(shooteroutcome, shooter_fate, end_method, stopped_by);

-- Each shooter's fate as the sheet states it, then the record's over all shooters.
CREATE OR REPLACE TEMP VIEW k12ssdb_fates AS
WITH per_shooter AS (
    SELECT
        source_record_id,
        item_no,
        CASE
            WHEN shooterdied = 'Yes' OR injury = 'Fatal' THEN 'died'
            WHEN shooterdied = 'No' THEN 'survived'
            WHEN trim(shooteroutcome) = 'Suicide' THEN 'died'
            ELSE 'unknown'
        END AS fate
    FROM k12ssdb_shooters
)
SELECT
    source_record_id,
    any_value(fate) FILTER (item_no = 1) AS first_fate,
    CASE
        WHEN bool_and(fate = 'died') THEN 'died'
        WHEN bool_and(fate = 'survived') THEN 'survived'
        WHEN bool_or(fate = 'died') AND bool_or(fate = 'survived') THEN 'mixed'
        ELSE 'unknown'
    END AS attacker_fate
FROM per_shooter
GROUP BY source_record_id;

CREATE OR REPLACE TEMP VIEW k12ssdb_mapped AS
SELECT
    i.*,
    s.shooters,
    trim(s.shooteroutcome) AS outcome,
    s.died,
    o.end_method,
    o.stopped_by AS outcome_stopped_by,
    CASE WHEN i.duplicate_no = 1 THEN f.attacker_fate END AS attacker_fate,
    v.killed AS victims_killed,
    v.injured AS victims_injured,
    v.fatal AS victims_fatal,
    coalesce(v.attacker_rows, []::VARCHAR[]) AS attacker_rows,
    r.outcomes AS outcomes_raw,
    CASE
        WHEN o.end_method = 'surrendered' AND n.end_method = 'surrendered'
             AND o.stopped_by = 'unknown' THEN n.stopped_by
        WHEN o.end_method IS NULL AND s.shooters IS NULL AND n.end_method = 'fled'
            THEN n.stopped_by
    END AS narrative_stopped_by,
    CASE WHEN o.end_method IS NULL AND s.shooters IS NULL AND n.end_method = 'fled'
         THEN 'fled' END AS narrative_method,
    n.ending_phrase,
    -- police who stopped it were there: a TRUE phrase never beats that (20130201MIMAD
    -- "stayed on the scene until police arrived" is said of someone else)
    CASE WHEN n.ended_before_police AND o.stopped_by = 'police' THEN NULL
         ELSE n.ended_before_police END AS narrative_before_police,
    n.arrival_phrase,
    v.unclear AS victims_unclear,
    coalesce(v.wounded, 0) AS victims_wounded,
    coalesce(v.minor_injuries, 0) AS victims_minor_injuries
FROM k12ssdb AS i
LEFT JOIN k12ssdb_first_shooter AS s USING (source_record_id)
LEFT JOIN k12ssdb_victim_counts AS v USING (source_record_id)
LEFT JOIN k12ssdb_fates AS f USING (source_record_id)
LEFT JOIN k12ssdb_outcomes_raw AS r USING (source_record_id)
LEFT JOIN k12ssdb_narrative_ending AS n USING (source_record_id)
LEFT JOIN k12ssdb_outcomes AS o
    ON o.shooteroutcome = trim(s.shooteroutcome)
   AND (o.shooter_fate IS NULL OR o.shooter_fate = f.first_fate)
   AND i.duplicate_no = 1;

CREATE OR REPLACE TEMP VIEW source_records AS
SELECT
    'k12ssdb' AS source,
    source_record_id,
    incident_name,
    incident_date,
    start_time,
    start_time_precision,
    city,
    state,
    state_raw,
    NULL AS county,
    NULL::DOUBLE AS latitude,
    NULL::DOUBLE AS longitude,
    CASE location_type_raw
        WHEN 'Off School Property' THEN 'unknown'
        ELSE 'education'  -- Inside School Building, Outside on School Property,
    END AS location_type,  -- School Bus, Both Inside/Outside, ND, blank
    location_type_raw,
    CASE WHEN location_type_raw IS DISTINCT FROM 'Off School Property' THEN 'stated' END
        AS location_type_basis,
    CASE
        WHEN duplicate_no > 1 OR victims_unclear > 0 THEN NULL
        ELSE coalesce(victims_killed, 0)
    END AS killed,
    CASE
        WHEN duplicate_no > 1 OR victims_unclear > 0 THEN NULL
        ELSE coalesce(victims_injured, 0)
    END AS injured,
    CASE WHEN duplicate_no = 1 THEN
        format('VICTIM rows with injury Fatal: {}', coalesce(victims_fatal, 0)) END
        AS killed_raw,
    CASE WHEN duplicate_no = 1 THEN
        format('VICTIM rows with injury Wounded: {}, Minor Injuries: {}', victims_wounded,
               victims_minor_injuries) END AS injured_raw,
    CASE WHEN duplicate_no = 1 THEN shooters END AS attackers,
    coalesce(narrative_method, end_method, 'unknown') AS end_method,
    outcomes_raw AS attacker_outcome_raw,
    coalesce(narrative_stopped_by, outcome_stopped_by, 'unknown') AS stopped_by,
    coalesce(attacker_fate, 'unknown') AS attacker_fate,
    CASE WHEN attacker_fate <> 'unknown' THEN 'stated' END AS attacker_fate_basis,
    narrative_before_police AS ended_before_police,
    list_concat(attacker_rows, list_filter([
        CASE WHEN narrative_method IS NOT NULL
             THEN format('end_method: {}, from the narrative ("{}")', narrative_method,
                         ending_phrase) END,
        CASE WHEN narrative_stopped_by IS NOT NULL
             THEN format('stopped_by: {}, from the narrative ("{}")', narrative_stopped_by,
                         ending_phrase) END,
        CASE WHEN narrative_before_police IS NOT NULL
             THEN format('ended_before_police: {}, from the narrative ("{}")',
                         lower(narrative_before_police::VARCHAR), arrival_phrase) END
    ], lambda d: d IS NOT NULL)) AS derivations,
    duration_min,
    CASE WHEN duplicate_id THEN ['duplicate_id_in_source'] ELSE []::VARCHAR[] END
        AS quality_flags,
    -- Narrative 'Pending' (Uvalde, 20220524TXROU, the only one in 2022) is a placeholder
    -- for an account not yet written, not an account: the Summary stands in, as it does
    -- for a blank Narrative.
    coalesce(CASE WHEN trim("Narrative") <> 'Pending' THEN published("Narrative") END,
             published("Summary")) AS narrative,
    CASE WHEN trim("Narrative") <> 'Pending' AND published("Narrative") IS NOT NULL
         THEN 'Narrative'
         WHEN published("Summary") IS NOT NULL THEN 'Summary' END AS narrative_field,
    -- Targets, During_School, Hostages, Barricade, Accomplice as written, mapped by the
    -- vocabulary tables (Yes/No; N/A and Unknown -> NULL); 'null' and blank: NULL
    published("Targets") AS targeting_raw,
    vocab('targeting', 'k12ssdb', targeting_raw) AS targeting,
    published("During_School") AS during_school_hours_raw,
    vocab_flag('yes_no', 'k12ssdb', during_school_hours_raw) AS during_school_hours,
    published("Hostages") AS hostages_raw,
    vocab_flag('yes_no', 'k12ssdb', hostages_raw) AS hostages,
    published("Barricade") AS barricade_raw,
    vocab_flag('yes_no', 'k12ssdb', barricade_raw) AS barricade,
    published("Accomplice") AS accomplice_raw,
    vocab_flag('yes_no', 'k12ssdb', accomplice_raw) AS accomplice,
    published("Situation") AS situation_raw,
    vocab('situation', 'k12ssdb', situation_raw) AS situation,
    published("Bullied") AS bullied_raw,
    vocab_flag('yes_no', 'k12ssdb', bullied_raw) AS bullied,
    published("Domestic_Violence") AS domestic_violence_raw,
    vocab_flag('yes_no', 'k12ssdb', domestic_violence_raw) AS domestic_violence,
    published("Gang_Related") AS gang_related_raw,
    vocab_flag('yes_no', 'k12ssdb', gang_related_raw) AS gang_related,
    published("School_Level") AS school_level_raw,
    vocab('school_level', 'k12ssdb', school_level_raw) AS school_level,
    reliability AS source_reliability,
    published("Active_Shooter_FBI") AS fbi_active_shooter_raw,
    vocab_flag('yes_no', 'k12ssdb', fbi_active_shooter_raw) AS fbi_active_shooter,
    published("Officer_Involved") AS officer_involved_raw,
    vocab_flag('yes_no', 'k12ssdb', officer_involved_raw) AS officer_involved,
    source_file,
    source_row
FROM k12ssdb_mapped;

CREATE OR REPLACE TEMP VIEW attackers AS
SELECT
    'k12ssdb' AS source,
    source_record_id,
    item_no AS attacker_no,
    age_years AS age,
    CASE lower(gender_clean)
        WHEN 'male' THEN 'male' WHEN 'female' THEN 'female' WHEN 'transgender' THEN 'other'
    END AS sex,  -- 'Multiple' (2 rows, rejected) and blanks: NULL
    trim(shooteroutcome) AS outcome_raw,
    published(race) AS race_raw,
    vocab('race', 'k12ssdb', race_raw) AS race,
    -- schoolaffiliation: the shooter's relationship to the school
    published(schoolaffiliation) AS relationship_raw,
    vocab('relationship', 'k12ssdb', relationship_raw) AS relationship,
    published(criminalhistory) AS criminal_history_raw,  -- free text, verbatim
    vocab_flag('criminal_history', 'k12ssdb', criminal_history_raw) AS criminal_history,
    -- Preplanned is per incident: every shooter of it carries it
    published(i."Preplanned") AS planned_raw,
    vocab_flag('yes_no', 'k12ssdb', planned_raw) AS planned,
    published(chargesfiled) AS charges_raw,  -- free text, verbatim
    published(verdict) AS verdict_raw
FROM k12ssdb_shooters
LEFT JOIN (SELECT source_record_id, "Preplanned" FROM k12ssdb) AS i USING (source_record_id);

CREATE OR REPLACE TEMP VIEW victims AS
SELECT
    'k12ssdb' AS source,
    source_record_id,
    item_no AS victim_no,
    age_years AS age,
    CASE lower(gender_clean) WHEN 'male' THEN 'male' WHEN 'female' THEN 'female' END AS sex,
    injury,  -- NULL for 'None' (present but unhurt)
    -- schoolaffiliation: the victim's relationship to the school
    published(schoolaffiliation) AS relationship_raw,
    vocab('relationship', 'k12ssdb', relationship_raw) AS relationship,
    published(race) AS race_raw,
    vocab('race', 'k12ssdb', race_raw) AS race
FROM k12ssdb_victims_mapped
WHERE NOT is_attacker;

CREATE OR REPLACE TEMP VIEW weapons AS
SELECT
    'k12ssdb' AS source,
    source_record_id,
    CASE
        WHEN weapontype_raw IN ('Handgun', 'Multiple Handguns') THEN 'handgun'
        WHEN weapontype_raw IN ('Rifle', 'Multiple Rifles') THEN 'rifle'
        WHEN weapontype_raw = 'Shotgun' THEN 'shotgun'
        WHEN weapontype_raw = 'Other' AND lower(caliber) = 'submachine gun'
            THEN 'other_firearm'
        WHEN weapontype_raw = 'Other' THEN 'other'
        ELSE 'unknown'  -- No Data, Unknown, Multiple Unknown, blank
    END AS weapon_type,
    CASE WHEN weapontype_raw IN ('Handgun', 'Rifle', 'Shotgun', 'Other') THEN 1 END
        AS count,
    weapontype_raw AS weapon_raw,
    published(weapondetails) AS weapon_detail
FROM k12ssdb_weapons;
