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
--   counted ("VICTIM rows with injury Fatal: 2"). Shooters are on the SHOOTER sheet,
--   never among the VICTIM rows: a shooter who died is not in killed.
-- * `20210902CASAL` is on two INCIDENT rows; its child rows carry only the id, so
--   they belong to the first row, and the later row (`#2`) gets NULL killed,
--   injured and attackers instead of a false 0. Both rows are flagged.
-- * The record's outcome is the FIRST shooter's (SHOOTER sheet order): 13
--   multi-shooter incidents disagree between shooters. "Apprehended/Killed by LE"
--   and "... by SRO" are split by `shooterdied` (or injury 'Fatal'): killed_by_police
--   vs apprehended, unknown when not said. An SRO is a sworn police officer, so SRO
--   means stopped_by 'police'. "... by Other" is someone neither police nor SRO:
--   civilian. "Surrendered" does not say to whom: stopped_by unknown. "Attempted
--   Suicide" (and "Suicide" with shooterdied 'No'): stopped_by self, outcome unknown.
--   "Law Enforcement" marks a shooter who IS an officer: unknown/unknown.
-- * ended_before_police: NULL. The SSDB does not record when police arrived;
--   inferring it only for the outcomes that imply it (police or SRO stopped the
--   attack, students subdued the shooter) would leave the suicides and the fled
--   unknown and bias any share built on it, so the source is treated as unable
--   to tell.
-- * location_type: the workbook only lists shootings at K-12 schools, so every
--   record is 'education' except Location_Type 'Off School Property' ('unknown':
--   shots from or at a place next to a school; what kind of place is not coded).
-- * Weapons: one row per WEAPON row. 'Other' is nearly always a BB, pellet, airsoft
--   or starter gun: 'other' (one submachine gun: other_firearm). "Multiple ..." has
--   no count.
CREATE OR REPLACE TEMP VIEW k12ssdb_victims_mapped AS
SELECT
    * EXCLUDE (injury),
    CASE injury_raw
        WHEN 'Fatal' THEN 'killed'
        WHEN 'Wounded' THEN 'injured'
        WHEN 'Minor Injuries' THEN 'injured'
    END AS injury,
    coalesce(injury_raw IN ('Fatal', 'Wounded', 'Minor Injuries', 'None'), FALSE)
        AS injury_known
FROM k12ssdb_victims;

CREATE OR REPLACE TEMP VIEW k12ssdb_victim_counts AS
SELECT
    source_record_id,
    count(*) FILTER (injury = 'killed') AS killed,
    count(*) FILTER (injury = 'injured') AS injured,
    count(*) FILTER (NOT injury_known) AS unclear,
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

CREATE OR REPLACE TEMP VIEW k12ssdb_mapped AS
SELECT
    i.*,
    s.shooters,
    trim(s.shooteroutcome) AS outcome,
    s.died,
    v.killed AS victims_killed,
    v.injured AS victims_injured,
    v.unclear AS victims_unclear,
    coalesce(v.wounded, 0) AS victims_wounded,
    coalesce(v.minor_injuries, 0) AS victims_minor_injuries
FROM k12ssdb AS i
LEFT JOIN k12ssdb_first_shooter AS s USING (source_record_id)
LEFT JOIN k12ssdb_victim_counts AS v USING (source_record_id);

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
        format('VICTIM rows with injury Fatal: {}', coalesce(victims_killed, 0)) END
        AS killed_raw,
    CASE WHEN duplicate_no = 1 THEN
        format('VICTIM rows with injury Wounded: {}, Minor Injuries: {}', victims_wounded,
               victims_minor_injuries) END AS injured_raw,
    CASE WHEN duplicate_no = 1 THEN shooters END AS attackers,
    CASE
        WHEN outcome IN ('Apprehended/Killed by LE', 'Apprehended/Killed by SRO') THEN
            CASE died WHEN TRUE THEN 'killed_by_police' WHEN FALSE THEN 'apprehended'
                ELSE 'unknown' END
        WHEN outcome = 'Apprehended/Killed by Other' THEN
            CASE died WHEN TRUE THEN 'killed_by_civilian'
                WHEN FALSE THEN 'subdued_by_civilian' ELSE 'unknown' END
        WHEN outcome = 'Subdued by Students/Staff/Other' THEN 'subdued_by_civilian'
        WHEN outcome = 'Suicide' AND died IS DISTINCT FROM FALSE THEN 'suicide'
        WHEN outcome IN ('Fled/Apprehended', 'Fled/Escaped') THEN 'fled'
        WHEN outcome = 'Surrendered' THEN 'surrendered'
        ELSE 'unknown'  -- Attempted Suicide, Law Enforcement, Other, Unknown, blank
    END AS attacker_outcome,
    outcome AS attacker_outcome_raw,
    CASE
        WHEN outcome IN ('Apprehended/Killed by LE', 'Apprehended/Killed by SRO')
            THEN 'police'
        WHEN outcome IN ('Subdued by Students/Staff/Other', 'Apprehended/Killed by Other')
            THEN 'civilian'
        WHEN outcome IN ('Suicide', 'Attempted Suicide') THEN 'self'
        WHEN outcome IN ('Fled/Apprehended', 'Fled/Escaped') THEN 'none'
        ELSE 'unknown'  -- Surrendered, Law Enforcement, Other, Unknown, blank
    END AS stopped_by,
    NULL::BOOLEAN AS ended_before_police,
    duration_min,
    CASE WHEN duplicate_id THEN ['duplicate_id_in_source'] ELSE []::VARCHAR[] END
        AS quality_flags,
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
    trim(shooteroutcome) AS outcome_raw
FROM k12ssdb_shooters;

CREATE OR REPLACE TEMP VIEW victims AS
SELECT
    'k12ssdb' AS source,
    source_record_id,
    item_no AS victim_no,
    age_years AS age,
    CASE lower(gender_clean) WHEN 'male' THEN 'male' WHEN 'female' THEN 'female' END AS sex,
    injury  -- NULL for 'None' (present but unhurt)
FROM k12ssdb_victims_mapped;

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
    weapontype_raw AS weapon_raw
FROM k12ssdb_weapons;
