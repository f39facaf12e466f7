-- FBI active shooter incidents -> contract.
-- How the attack ended comes from `Terminating Event`, read as a whole chain:
-- * " & " separates shooters only when the record has several (`attackers`, the
--   longest of the per-shooter columns); inside one shooter's text it is part of a
--   phrase ("Verbal & Physical intervention by civilian", "Physical intervention by
--   civilian & off-duty police"). The record takes the first shooter's chain.
-- * ";" chains the steps of one shooter ("Shot by civilian (survived); committed
--   suicide before police arrived"). Each step is matched against fbi_event_phrases
--   (below, a data table: regular expression -> role and values). The step that
--   ended the attack at the scene is the first one that is not a missed shot
--   ('missed') nor a verbal intervention followed by more steps ('prelude'): it
--   gives stopped_by, end_method and ended_before_police (NULL when that step cannot
--   tell: "Attempted Suicide (Survived); Surrendered to Police" does not say whether
--   police were there when he shot himself, the later surrender only that they came).
--   "Fled the scene" is such a step: end_method fled, stopped_by none, whatever
--   happened to the attacker later.
-- * attacker_fate: the last step from the deciding one on that states it ("(Killed)",
--   "(Survived)", a suicide), else the shooter's part of `Shooter's Fate` (Killed,
--   Suicide, Arrested, "Escaped (Suicide Later)"...), mapped by fbi_shooter_fates;
--   over several shooters: all died -> died, all survived -> survived, some of each
--   -> mixed, else unknown. Both columns are the source's own statements: basis
--   'stated', except "Escaped (Never Caught)": he left the scene alive and the FBI,
--   which records later deaths ("Escaped (Suicide Later)", "(Killed Later)"), records
--   none: survived, basis 'derived' (noted in `derivations`). A record with any
--   derived shooter fate has basis 'derived'. attacker_outcome_raw is `Terminating
--   Event`; the attackers table keeps each shooter's `Shooter's Fate`.
-- * ended_before_police: a civilian, guard or off-duty officer on the scene, a
--   suicide "before police arrived", the shooter stopping on his own or fleeing end
--   it before police arrive; on-duty police ending it, or a suicide "when police
--   arrived" / "after engaging police", do not. "?"/"Unclear" stay unknown (NULL).
CREATE OR REPLACE TEMP TABLE fbi_event_phrases AS
SELECT * FROM (VALUES
    (10, '^shot at by civilian \(missed\)', 'missed', NULL, NULL, NULL, NULL),
    (20, '^fled the scene', 'fled', 'none', 'fled', NULL, TRUE),
    (30, '^shot by police \(killed\)', 'end', 'police', 'shot', 'died', FALSE),
    (31, '^shot by police \(survived\)', 'end', 'police', 'shot', 'survived', FALSE),
    (32, '^shot by off-duty police \(killed\)', 'end', 'off_duty_police', 'shot', 'died',
     TRUE),
    (33, '^shot by security guards? \(killed\)', 'end', 'security', 'shot', 'died', TRUE),
    (34, '^shot by security guards? \(survived\)', 'end', 'security', 'shot', 'survived',
     TRUE),
    (35, '^shot by security guard, then committed suicided?$', 'end', 'security', 'shot',
     'died', TRUE),
    (36, '^shot by civil(i)?an \(killed\)', 'end', 'civilian', 'shot', 'died', TRUE),
    (37, '^shot by civil(i)?an \(survived\)', 'end', 'civilian', 'shot', 'survived', TRUE),
    (38, '^shot by civilian$', 'end', 'civilian', 'shot', NULL, TRUE),
    -- Dallas 2016: killed by a police robot's bomb, the one record killed by police
    -- force other than gunfire; end_method 'shot' is the contract's "struck down".
    (39, '^killed by police', 'end', 'police', 'shot', 'died', FALSE),
    (40, '^(committed )?suicide before police arrived', 'end', 'self', 'suicide', 'died',
     TRUE),
    (41, '^suicide (when police arrived|after engaging police|while being pursued by '
         || 'police)', 'end', 'self', 'suicide', 'died', FALSE),
    (42, '^committed suicide$', 'end', 'self', 'suicide', 'died', NULL),
    (43, '^attempted suicide \(survived\)', 'end', 'self', 'attempted_suicide', 'survived',
     NULL),
    (44, '^surrendered to police', 'end', 'police', 'surrendered', NULL, FALSE),
    (45, '^surrendered when caught$', 'end', 'police', 'surrendered', NULL, FALSE),
    (46, '^surrendered$', 'end', 'unknown', 'surrendered', NULL, NULL),
    (50, '^(verbal & )?physical intervention by civilian', 'end', 'civilian', 'subdued',
     NULL, TRUE),
    (51, '^physical intervention by security guard', 'end', 'security', 'subdued', NULL,
     TRUE),
    (52, '^(physical|non-lethal) intervention by police', 'end', 'police', 'subdued', NULL,
     FALSE),
    (53, '^armed intervention by civilian', 'end', 'civilian', 'subdued', NULL, TRUE),
    (54, '^(civilian|off-duty soldier) intervention with automobile', 'end', 'civilian',
     'subdued', NULL, TRUE),
    -- talked down by a civilian: the attack ended by giving up (when nothing follows)
    (55, '^verbal intervention by civilian$', 'prelude', 'civilian', 'surrendered', NULL,
     TRUE),
    (56, '^automobile crash into police blockade$', 'end', 'police', 'apprehended', NULL,
     FALSE),
    (57, '^shooter completed goal and stopped$', 'end', 'self', 'stopped_on_own', NULL,
     TRUE),
    (90, '^(\?|unclear)$', 'unclear', 'unknown', 'unknown', NULL, NULL)
) AS t(priority, pattern, role, stopped_by, end_method, attacker_fate, ended_before_police);

CREATE OR REPLACE TEMP TABLE fbi_shooter_fates AS
SELECT * FROM (VALUES
    ('killed', 'died', 'stated'), ('suicide', 'died', 'stated'),
    ('escaped (killed later)', 'died', 'stated'), ('escaped (suicide later)', 'died', 'stated'),
    ('arrested', 'survived', 'stated'), ('escaped (arrested later)', 'survived', 'stated'),
    ('escaped (turned self in)', 'survived', 'stated'),
    ('escaped (surrendered later)', 'survived', 'stated'),
    ('escaped (never caught)', 'survived', 'derived'),
    ('?', 'unknown', NULL)
) AS t(shooter_fate, attacker_fate, attacker_fate_basis);

-- One row per shooter: his part of the event chain and of `Shooter's Fate`.
CREATE OR REPLACE TEMP VIEW fbi_shooter_events AS
WITH parts AS (
    SELECT
        source_record_id,
        CASE WHEN attackers > 1 THEN string_split(terminating_event, ' & ')
             ELSE [terminating_event] END AS events,
        coalesce(string_split(shooter_fate, ' & '), []) AS fates
    FROM fbi
)
SELECT
    source_record_id,
    shooter_no,
    trim(events[least(shooter_no, len(events))]) AS event,
    lower(trim(fates[shooter_no])) AS shooter_fate_part,
    trim(fates[shooter_no]) AS shooter_fate_raw
FROM parts, range(1, greatest(len(events), len(fates), 1) + 1) AS r(shooter_no);

-- Each step of each shooter's chain with the phrase it matches (the first by priority).
-- A pattern that is a column is compiled for every pair it is tried on, so each
-- distinct step text is matched once and the steps join their text's phrase; a table,
-- because fbi_shooter_outcomes reads it twice.
CREATE OR REPLACE TEMP TABLE fbi_steps AS
WITH steps AS (
    SELECT source_record_id, shooter_no,
           unnest(string_split(event, ';')) AS step_raw,
           generate_subscripts(string_split(event, ';'), 1) AS step_no,
           len(string_split(event, ';')) AS n_steps
    FROM fbi_shooter_events
),
phrases AS (
    SELECT t.step, p.role, p.stopped_by, p.end_method, p.attacker_fate,
           p.ended_before_police
    FROM (SELECT DISTINCT lower(trim(step_raw)) AS step FROM steps) AS t
    JOIN fbi_event_phrases AS p ON regexp_matches(t.step, p.pattern)
    QUALIFY row_number() OVER (PARTITION BY t.step ORDER BY p.priority) = 1
)
SELECT s.*, lower(trim(s.step_raw)) AS step, p.role, p.stopped_by, p.end_method,
       p.attacker_fate, p.ended_before_police
FROM steps AS s
LEFT JOIN phrases AS p ON p.step = lower(trim(s.step_raw));

CREATE OR REPLACE TEMP VIEW fbi_shooter_outcomes AS
WITH deciding AS (
    SELECT source_record_id, shooter_no,
           min(step_no) FILTER (coalesce(role, 'end') NOT IN ('missed', 'prelude')
                                OR step_no = n_steps) AS decided_at
    FROM fbi_steps GROUP BY ALL
)
SELECT
    e.source_record_id,
    e.shooter_no,
    coalesce(any_value(s.stopped_by) FILTER (s.step_no = d.decided_at), 'unknown')
        AS stopped_by,
    coalesce(any_value(s.end_method) FILTER (s.step_no = d.decided_at), 'unknown')
        AS end_method,
    any_value(s.ended_before_police) FILTER (s.step_no = d.decided_at)
        AS ended_before_police,
    arg_max(s.attacker_fate, s.step_no)
        FILTER (s.step_no >= d.decided_at AND s.attacker_fate IS NOT NULL) AS step_fate,
    nullif(any_value(f.attacker_fate), 'unknown') AS listed_fate,
    any_value(f.attacker_fate_basis) AS listed_basis,
    any_value(e.shooter_fate_raw) AS shooter_fate_raw
FROM fbi_shooter_events AS e
LEFT JOIN deciding AS d USING (source_record_id, shooter_no)
LEFT JOIN fbi_steps AS s USING (source_record_id, shooter_no)
LEFT JOIN fbi_shooter_fates AS f ON f.shooter_fate = e.shooter_fate_part
GROUP BY ALL;

CREATE OR REPLACE TEMP VIEW fbi_outcomes AS
WITH fates AS (
    SELECT
        source_record_id,
        any_value(stopped_by) FILTER (shooter_no = 1) AS stopped_by,
        any_value(end_method) FILTER (shooter_no = 1) AS end_method,
        any_value(ended_before_police) FILTER (shooter_no = 1) AS ended_before_police,
        CASE
            WHEN bool_and(coalesce(attacker_fate, '') = 'died') THEN 'died'
            WHEN bool_and(coalesce(attacker_fate, '') = 'survived') THEN 'survived'
            WHEN bool_or(attacker_fate = 'died') AND bool_or(attacker_fate = 'survived')
                THEN 'mixed'
            ELSE 'unknown'
        END AS attacker_fate,
        bool_or(attacker_fate_basis = 'derived') AS any_derived,
        string_agg(DISTINCT fate_derived_from, '", "' ORDER BY fate_derived_from)
            AS derived_from
    FROM (
        -- a fate a step of the chain states wins over the one `Shooter's Fate` lists
        SELECT *,
               coalesce(step_fate, listed_fate) AS attacker_fate,
               CASE WHEN step_fate IS NOT NULL THEN 'stated'
                    WHEN listed_fate IS NOT NULL THEN listed_basis END
                   AS attacker_fate_basis,
               CASE WHEN step_fate IS NULL AND listed_basis = 'derived'
                    THEN shooter_fate_raw END AS fate_derived_from
        FROM fbi_shooter_outcomes
    )
    GROUP BY source_record_id
)
SELECT
    * EXCLUDE (any_derived, derived_from),
    CASE WHEN attacker_fate <> 'unknown'
         THEN CASE WHEN any_derived THEN 'derived' ELSE 'stated' END END
        AS attacker_fate_basis,
    CASE WHEN attacker_fate <> 'unknown' AND any_derived
         THEN format('attacker_fate: {}, implied by Shooter''s Fate "{}"', attacker_fate,
                     derived_from) END AS fate_derivation
FROM fates;

CREATE OR REPLACE TEMP VIEW fbi_mapped AS
SELECT f.*, o.stopped_by, o.end_method, o.ended_before_police, o.attacker_fate,
       o.attacker_fate_basis, o.fate_derivation
FROM fbi AS f
LEFT JOIN fbi_outcomes AS o USING (source_record_id);

CREATE OR REPLACE TEMP VIEW source_records AS
SELECT
    'fbi' AS source,
    source_record_id,
    incident_name,
    incident_date,
    start_time,
    CASE WHEN start_time IS NOT NULL THEN 'minute' END AS start_time_precision,
    name_city AS city,  -- parsed from the incident name (see `derivations`)
    state,
    state_raw,
    name_county AS county,
    NULL::DOUBLE AS latitude,
    NULL::DOUBLE AS longitude,
    CASE lower(trim(location_raw))
        WHEN 'commerce' THEN 'commerce'
        WHEN 'education' THEN 'education'
        WHEN 'government' THEN 'government'
        WHEN 'health care' THEN 'health_care'
        WHEN 'house of worship' THEN 'house_of_worship'
        WHEN 'open space' THEN 'open_space'
        WHEN 'residence' THEN 'residence'
        WHEN 'other' THEN 'other'
        ELSE 'unknown'
    END AS location_type,
    location_raw AS location_type_raw,
    CASE WHEN location_type <> 'unknown' THEN 'stated' END AS location_type_basis,
    killed,
    deaths_raw AS killed_raw,
    injured,
    wounded_raw AS injured_raw,
    attackers,
    end_method,
    terminating_event AS attacker_outcome_raw,
    stopped_by,
    attacker_fate,
    attacker_fate_basis,
    ended_before_police,
    NULL::DOUBLE AS duration_min,
    list_filter([CASE WHEN multi_state THEN 'multi_state' END,
                 CASE WHEN duplicate_id THEN 'duplicate_id_in_source' END],
                lambda f: f IS NOT NULL) AS quality_flags,
    list_filter([CASE WHEN name_city IS NOT NULL THEN 'city: from the incident name' END,
                 CASE WHEN name_county IS NOT NULL THEN 'county: from the incident name' END,
                 fate_derivation],
                lambda d: d IS NOT NULL) AS derivations,
    source_links,  -- the tabulator's verification links (web addresses only)
    source_file,
    source_row
FROM fbi_mapped;

CREATE OR REPLACE TEMP VIEW attackers AS
SELECT
    'fbi' AS source,
    source_record_id,
    attacker_no,
    age,
    CASE upper(gender_raw) WHEN 'MALE' THEN 'male' WHEN 'FEMALE' THEN 'female'
        WHEN '?' THEN NULL ELSE CASE WHEN gender_raw IS NOT NULL THEN 'other' END END AS sex,
    shooter_fate AS outcome_raw
FROM fbi_attackers;

CREATE OR REPLACE TEMP VIEW weapons AS
SELECT 'fbi' AS source, source_record_id, weapon_type, n AS count, weapon_raw
FROM (
    SELECT source_record_id, 'handgun' AS weapon_type, handguns AS n, 'Handgun' AS weapon_raw
    FROM fbi WHERE handguns > 0
    UNION ALL
    SELECT source_record_id, 'rifle', rifles, 'Rifle' FROM fbi WHERE rifles > 0
    UNION ALL
    SELECT source_record_id, 'shotgun', shotguns, 'Shotgun' FROM fbi WHERE shotguns > 0
    UNION ALL
    SELECT source_record_id, 'unknown', NULL, '?' FROM fbi
    WHERE handguns IS NULL AND rifles IS NULL AND shotguns IS NULL
);
