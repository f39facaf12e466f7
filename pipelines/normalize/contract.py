"""The ``source_records`` contract and its companion tables.

Column names, types, vocabularies and descriptions live here once. The same
definitions check every source's output on every build (as PUDL checks its
schemas), write ``COMMENT ON`` into the warehouse, and generate the data
dictionary, so the documentation cannot drift from the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

LOCATION_TYPES = (
    "commerce", "education", "government", "health_care", "house_of_worship",
    "open_space", "residence", "military", "other", "unknown",
)
STOPPED_BY = ("police", "off_duty_police", "civilian", "security", "self", "none", "unknown")
END_METHODS = (
    "shot", "subdued", "suicide", "attempted_suicide", "surrendered", "apprehended", "fled",
    "stopped_on_own", "unknown",
)
ATTACKER_FATES = ("died", "survived", "mixed", "unknown")
FATE_BASES = ("stated", "derived", "inferred")
LOCATION_BASES = ("stated", "derived")
QUALITY_FLAGS = (
    "date_out_of_range", "casualties_over_bound", "state_not_matching_coordinates",
    "duplicate_id_in_source", "multi_state", "value_rejected", "attacker_removed_from_killed",
    "casualties_contradict_narrative", "duplicate_record_in_source",
)
RACES = (
    "white", "black", "hispanic", "asian", "native_american", "pacific_islander",
    "middle_eastern", "multiple", "other", "unknown",
)
RELATIONSHIPS = (
    "student", "former_student", "student_elsewhere", "employee", "former_employee",
    "police_or_security", "customer_client", "resident", "family", "intimate_partner",
    "acquaintance", "stranger", "other", "unknown",
)
WEAPON_SOURCES = (
    "legal_purchase", "illegal_purchase", "stolen", "family_or_home", "friend",
    "employer_issued", "legal_unspecified", "illegal_unspecified", "other", "unknown",
)
TARGETING = ("targeted", "indiscriminate", "both", "neither", "accidental", "suicide",
             "unknown")
YES_NO = ("yes", "no", "unknown")
SCHOOL_LEVELS = ("elementary", "middle", "high", "k_8", "k_12", "secondary", "college",
                 "other", "unknown")
LOCALES = ("city", "suburb", "town", "rural")
SITUATIONS = (
    "dispute", "domestic", "workplace_grievance", "school_grievance", "bullying", "crime",
    "gang", "hate", "ideology", "mental_illness", "personal_crisis", "suicide",
    "murder_suicide", "indiscriminate", "accidental", "drive_by", "hostage_standoff",
    "property_damage", "self_defense", "police_action", "multiple", "other", "unknown",
)
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "race": RACES, "relationship": RELATIONSHIPS, "weapon_source": WEAPON_SOURCES,
    "targeting": TARGETING, "yes_no": YES_NO, "situation": SITUATIONS,
    "criminal_history": YES_NO, "school_level": SCHOOL_LEVELS, "locale": LOCALES,
}
"""Vocabularies of the descriptive fields, each fed by ``normalize/vocab/<name>.csv``."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    """DuckDB type."""
    description: str
    vocabulary: tuple[str, ...] | None = None
    required: bool = False
    """Never NULL."""
    optional: bool = False
    """A source's SQL may leave it out (it is then ``default``): for fields few sources have."""
    default: str = "NULL"
    """SQL value an optional column takes when a source's SQL leaves it out."""


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


SOURCE = Column("source", "VARCHAR", "Slug of the source dataset (see the `sources` table).",
                required=True)
RECORD_ID = Column(
    "source_record_id", "VARCHAR",
    "The record's id within its source, stable across runs (the source's own id where "
    "it has a unique one, otherwise built from date and name).", required=True,
)

SOURCE_RECORDS = Table(
    "source_records",
    "One row per record per source, mapped onto common vocabularies. Each source keeps "
    "its own definition of what counts as an incident (see `sources.definition`); rows "
    "from different sources may describe the same real-world attack.",
    (
        SOURCE,
        RECORD_ID,
        Column("incident_name", "VARCHAR", "The source's name or title for the incident, if any."),
        Column("incident_date", "DATE", "Date the attack began, as the source gives it."),
        Column("start_time", "TIME", "Local time the attack began; NULL when unknown."),
        Column("start_time_precision", "VARCHAR",
               "How precise `start_time` is: minute, or hour when the source gives only "
               "the hour; NULL when start_time is NULL.", ("minute", "hour")),
        Column("city", "VARCHAR", "City or place name as the source gives it (some sources "
               "give a county or no place at all)."),
        Column("state", "VARCHAR", "Two-letter USPS code of the state (DC included); the "
               "first state for attacks that crossed state lines (flag `multi_state`)."),
        Column("state_raw", "VARCHAR", "State exactly as the source wrote it."),
        Column("county", "VARCHAR", "County, where the source gives one."),
        Column("latitude", "DOUBLE", "Latitude (WGS84) where the source gives one."),
        Column("longitude", "DOUBLE", "Longitude (WGS84) where the source gives one."),
        Column("location_type", "VARCHAR", "Kind of place, mapped onto a common vocabulary.",
               LOCATION_TYPES, required=True),
        Column("location_type_raw", "VARCHAR", "Kind of place exactly as the source wrote it."),
        Column("location_type_basis", "VARCHAR", "Where `location_type` comes from: stated "
               "(the source's own place category, mapped) or derived (from the place name or "
               "narrative by the keyword table, see `derivations`); NULL when unknown.",
               LOCATION_BASES, optional=True),
        Column("killed", "INTEGER", "Victims killed, not counting attackers; NULL when the "
               "source does not say (never 0 for unknown)."),
        Column("killed_raw", "VARCHAR", "The source's own killed figure as written (some "
               "sources count the attacker among the dead; `killed` does not).",
               optional=True),
        Column("injured", "INTEGER", "Victims injured but not killed, not counting "
               "attackers; NULL when unknown."),
        Column("injured_raw", "VARCHAR", "The source's own injured figure as written.",
               optional=True),
        Column("attackers", "INTEGER", "Number of attackers; NULL when unknown."),
        Column("attacker_outcome_raw", "VARCHAR", "The source's own words for how the "
               "attack ended (the raw twin of `end_method`, `stopped_by` and "
               "`attacker_fate`)."),
        Column("end_method", "VARCHAR", "How the attack ended: the attacker was shot (or "
               "otherwise struck down by force), subdued (physically confronted: tackled, "
               "restrained or fought off), died by suicide or attempted it, surrendered "
               "(also: talked down), was apprehended, fled, or stopped on their own; "
               "unknown when the source does not say. Who did it is `stopped_by`; whether "
               "the attacker lived is `attacker_fate`.", END_METHODS, required=True),
        Column("attacker_fate", "VARCHAR", "Whether the attacker(s) died or survived the "
               "attack, including a death right after it such as a later suicide (mixed: "
               "of several, some died); unknown when not stated.", ATTACKER_FATES,
               required=True),
        Column("attacker_fate_basis", "VARCHAR", "stated by the source's outcome field, "
               "derived from its other fields or narrative, or inferred from a linked "
               "record of another source (named in `attacker_fate_from`); NULL when the "
               "fate is unknown.", FATE_BASES, optional=True),
        Column("attacker_fate_from", "VARCHAR", "For an inferred fate: the linked record "
               "that states it, as `source:source_record_id`.", optional=True),
        Column("stopped_by", "VARCHAR", "Who ended the attack: police (on duty), "
               "off_duty_police (an off-duty officer on the scene), civilian, security "
               "(guards), self (suicide or the attacker stopping), none (fled), unknown.",
               STOPPED_BY, required=True),
        Column("ended_before_police", "BOOLEAN", "TRUE when the attack was over before "
               "police arrived; NULL when the source cannot tell."),
        Column("duration_min", "DOUBLE", "Minutes from first shot to end; NULL when unknown."),
        Column("officers_killed", "INTEGER", "Law-enforcement officers killed, where the "
               "source counts them separately (they are included in `killed`); NULL "
               "otherwise.", optional=True),
        Column("officers_injured", "INTEGER", "Law-enforcement officers injured, where the "
               "source counts them separately (included in `injured`); NULL otherwise.",
               optional=True),
        Column("quality_flags", "VARCHAR[]", "Values kept but suspect or corrected: "
               + ", ".join(QUALITY_FLAGS) + ". Empty when nothing is suspect. "
               "attacker_removed_from_killed: the source's figure counted the attacker, "
               "left out of `killed` (`killed_raw` keeps the figure); "
               "casualties_contradict_narrative: the source's casualty columns contradict "
               "its own description (`derivations` quotes it); duplicate_record_in_source: "
               "the second entry of an attack the source lists twice under two ids (the "
               "first is not flagged, so excluding the flag counts each attack once)."),
        Column("derivations", "VARCHAR[]", "Every value in the record that was derived or "
               "inferred rather than stated by the source, as `field: how, from what` (e.g. "
               "`city: from the incident name`). Empty when every value is stated.",
               optional=True, default="[]::VARCHAR[]"),
        Column("narrative", "VARCHAR", "The source's own account of the incident (its "
               "summary, description or narrative), verbatim as published; the licence and "
               "attribution that travel with it are in `sources`. NULL where the source "
               "publishes none.", optional=True),
        Column("narrative_field", "VARCHAR", "The source column(s) `narrative` was taken "
               "from.", optional=True),
        Column("targeting", "VARCHAR", "Whether the attacker aimed at chosen victims: "
               "targeted, indiscriminate, both, neither, accidental (the gun went off by "
               "accident), suicide (the attacker shot only himself in public), unknown (the "
               "source says it is unclear). Mapped by vocab/targeting.csv; NULL where the "
               "source does not publish it or the raw value is unmapped.", TARGETING,
               optional=True),
        Column("targeting_raw", "VARCHAR", "The source's own words for `targeting`.",
               optional=True),
        Column("armed_security_present", "BOOLEAN", "TRUE when the source states that a "
               "school resource officer, police officer or armed guard was present at the "
               "site when the shooting began; FALSE when it states none was; NULL when "
               "unknown or unpublished (WaPo's 0 means \"not present or unknown\": NULL).",
               optional=True),
        Column("armed_security_present_raw", "VARCHAR", "The source's own value for "
               "`armed_security_present` (WaPo `resource_officer`: 1 or 0).", optional=True),
        Column("during_school_hours", "BOOLEAN", "TRUE when the shooting happened during "
               "school hours (school sources only); NULL when unknown.", optional=True),
        Column("during_school_hours_raw", "VARCHAR", "The source's own value.",
               optional=True),
        Column("hostages", "BOOLEAN", "TRUE when the attacker took hostages.", optional=True),
        Column("hostages_raw", "VARCHAR", "The source's own value.", optional=True),
        Column("barricade", "BOOLEAN", "TRUE when the attacker barricaded himself.",
               optional=True),
        Column("barricade_raw", "VARCHAR", "The source's own value.", optional=True),
        Column("accomplice", "BOOLEAN", "TRUE when the attacker had an accomplice.",
               optional=True),
        Column("accomplice_raw", "VARCHAR", "The source's own value.", optional=True),
        Column("mobile", "BOOLEAN", "TRUE when the attacker moved between sites during the "
               "attack (ALERRT `mobile`; Mother Jones `type` Spree: several locations).",
               optional=True),
        Column("mobile_raw", "VARCHAR", "The source's own value.", optional=True),
        Column("situation", "VARCHAR", "The situation or motive category the source gives "
               "(K-12 SSDB `Situation`, AP `situation_type`, Stanford `Possible Motive - "
               "General`), mapped by vocab/situation.csv: dispute, domestic, "
               "workplace_grievance, school_grievance, bullying, crime (robbery, drugs, "
               "other felonies), gang, hate, ideology (political or religious, terrorism), "
               "mental_illness, personal_crisis (despondency, rejection, failure), suicide, "
               "murder_suicide, indiscriminate, accidental, drive_by, hostage_standoff, "
               "property_damage, self_defense, police_action, multiple, other, unknown.",
               SITUATIONS, optional=True),
        Column("situation_raw", "VARCHAR", "The source's own category.", optional=True),
        Column("bullied", "BOOLEAN", "TRUE when the source states the attacker had been "
               "bullied (K-12 SSDB `Bullied`).", optional=True),
        Column("bullied_raw", "VARCHAR", "The source's own value.", optional=True),
        Column("domestic_violence", "BOOLEAN", "TRUE when the source states the shooting "
               "involved domestic violence (K-12 SSDB `Domestic_Violence`).", optional=True),
        Column("domestic_violence_raw", "VARCHAR", "The source's own value.", optional=True),
        Column("gang_related", "BOOLEAN", "TRUE when the source states the shooting was "
               "gang-related (K-12 SSDB `Gang_Related`).", optional=True),
        Column("gang_related_raw", "VARCHAR", "The source's own value.", optional=True),
        Column("school_level", "VARCHAR", "The level of the school where it happened (school "
               "records only), mapped by vocab/school_level.csv: elementary, middle (incl. "
               "junior high), high, k_8, k_12, secondary (grades 6-12), college (university or "
               "community college), other, unknown.", SCHOOL_LEVELS, optional=True),
        Column("school_level_raw", "VARCHAR", "The source's own value (K-12 SSDB "
               "`School_Level`, ALERRT `school_level`).", optional=True),
        Column("school_type", "VARCHAR", "public or private, as the Washington Post's "
               "`school_type` states it.", ("public", "private"), optional=True),
        Column("school_nces_id", "VARCHAR", "The school's National Center for Education "
               "Statistics id, as published (WaPo `nces_school_id`), to join NCES school "
               "data.", optional=True),
        Column("school_enrollment", "INTEGER", "Students enrolled at the school at the time "
               "of the shooting (WaPo `enrollment`).", optional=True),
        Column("school_free_lunch", "INTEGER", "Students at the school eligible for a free "
               "or reduced-price lunch (WaPo `lunch`), a measure of poverty; divide by "
               "`school_enrollment` for the share.", optional=True),
        Column("school_locale", "VARCHAR", "city, suburb, town or rural: the NCES "
               "urban-centric locale of the school, from its locale code by "
               "vocab/locale.csv.", LOCALES, optional=True),
        Column("school_locale_raw", "VARCHAR", "The NCES locale code as published (WaPo "
               "`ulocale`, e.g. 11 = City, Large; the codes are defined in the source's "
               "record_layout.csv).", optional=True),
        Column("census_tract", "VARCHAR", "The 11-digit census tract GEOID of the place, "
               "as published (AP `census_tract_geoid`).", optional=True),
        Column("source_reliability", "INTEGER", "The source's own rating of how reliable "
               "its sources for this record are, as published (K-12 SSDB `Reliability`, "
               "1-5; its release defines no scale, see www.chds.us/ssdb).", optional=True),
        Column("fbi_active_shooter", "BOOLEAN", "TRUE when the source marks the incident as "
               "an active shooting under the FBI's definition (K-12 SSDB "
               "`Active_Shooter_FBI`); FALSE when it marks it as not one.", optional=True),
        Column("fbi_active_shooter_raw", "VARCHAR", "The source's own value.",
               optional=True),
        Column("officer_involved", "BOOLEAN", "TRUE when the source marks a law-enforcement "
               "officer as involved in the shooting (K-12 SSDB `Officer_Involved`).",
               optional=True),
        Column("officer_involved_raw", "VARCHAR", "The source's own value.", optional=True),
        Column("guards_killed", "INTEGER", "Security guards killed (ALERRT "
               "`kill_guard_tot`); counted in `killed`.", optional=True),
        Column("guards_injured", "INTEGER", "Security guards wounded (ALERRT "
               "`wound_guard_tot`); counted in `injured`.", optional=True),
        Column("source_links", "VARCHAR[]", "The web addresses the source gives to verify the "
               "record (FBI tabulation: `News Article to Verify Ambiguity` and the unnamed "
               "columns after it), as published; empty where it gives none.", optional=True,
               default="[]::VARCHAR[]"),
        Column("source_file", "VARCHAR", "Name of the raw file the record came from."),
        Column("source_row", "INTEGER", "Data row number in that file (1 = first row after "
               "the header)."),
        Column("source_url", "VARCHAR", "URL the raw file was fetched from (pinned commit)."),
        Column("source_sha256", "VARCHAR", "sha256 of the raw file the record came from."),
    ),
    key=("source", "source_record_id"),
)

@dataclass(frozen=True)
class Invariant:
    """A rule every ``source_records`` row must satisfy, as one SQL predicate over the row."""

    name: str
    predicate: str
    """SQL boolean over one row of ``source_records``; TRUE when the rule holds (a NULL
    result counts as broken, so predicates handle NULL themselves)."""
    explanation: str


OUTCOME_INVARIANTS = (
    Invariant("police_had_arrived",
              "stopped_by <> 'police' OR ended_before_police IS NOT TRUE",
              "On-duty police who stopped the attack were there, so it did not end before "
              "police arrived (an off-duty officer on the scene is `off_duty_police`)."),
    Invariant("suicide_died",
              "end_method <> 'suicide' OR attacker_fate IN ('died', 'mixed')",
              "An attack ended by suicide leaves the attacker dead (a survived attempt is "
              "`attempted_suicide`)."),
    Invariant("self_ended_by_self",
              "end_method NOT IN ('suicide', 'attempted_suicide', 'stopped_on_own') "
              "OR stopped_by = 'self'",
              "Suicide, an attempt at it and stopping on one's own are the attacker's own "
              "act: stopped_by is self."),
    Invariant("self_means",
              "stopped_by <> 'self' OR end_method IN ('suicide', 'attempted_suicide', "
              "'stopped_on_own', 'surrendered')",
              "An attacker who stopped the attack himself did so by suicide, an attempt at "
              "it, stopping or surrendering, never by being shot, subdued or caught."),
    Invariant("fled_means_none",
              "(end_method = 'fled') = (stopped_by = 'none')",
              "An attacker who got away was stopped by no one, and an attack stopped by no "
              "one ended with the attacker fleeing."),
    Invariant("shot_or_subdued_by_someone",
              "end_method NOT IN ('shot', 'subdued') OR stopped_by NOT IN ('self', 'none')",
              "Someone else shoots or subdues an attacker: stopped_by is a person (or "
              "unknown), not self or none."),
    Invariant("caught_alive",
              "end_method NOT IN ('surrendered', 'apprehended') OR attacker_fate <> 'died'",
              "An attacker who surrendered or was apprehended at the end of the attack was "
              "alive (a later death in custody is not the attack's outcome)."),
    Invariant("fate_has_basis",
              "(attacker_fate = 'unknown') = (attacker_fate_basis IS NULL)",
              "A known fate says where it comes from (stated, derived, inferred); an "
              "unknown one has no basis."),
    Invariant("inferred_fate_names_record",
              "(coalesce(attacker_fate_basis, '') = 'inferred') "
              "= (attacker_fate_from IS NOT NULL)",
              "An inferred fate names the linked record it came from, and only an inferred "
              "fate does."),
    Invariant("unstated_fate_explained",
              "coalesce(attacker_fate_basis, 'stated') = 'stated' OR "
              "len(list_filter(derivations, lambda d: d LIKE 'attacker_fate:%')) > 0",
              "A derived or inferred fate is explained in `derivations`."),
)
"""How `end_method`, `stopped_by`, `attacker_fate` (and its basis) and
`ended_before_police` fit together; checked for every source on every build (the
warehouse check `outcome_invariants`) and listed in the data dictionary."""

REJECTS = Table(
    "rejects",
    "Every record or value that could not be parsed, with the reason. A rejected value "
    "is stored as NULL in its record (the record itself is kept unless said otherwise).",
    (
        SOURCE,
        Column("source_file", "VARCHAR", "Raw file name.", required=True),
        Column("source_row", "INTEGER", "Data row number in that file (1 = first data row)."),
        Column("source_record_id", "VARCHAR", "Id of the affected record, when known."),
        Column("field", "VARCHAR", "Source column that held the value.", required=True),
        Column("raw_value", "VARCHAR", "The value exactly as the source wrote it."),
        Column("reason", "VARCHAR", "Why it was rejected.", required=True),
    ),
)

ATTACKERS = Table(
    "attackers",
    "One row per attacker per record, where the source describes attackers individually.",
    (
        SOURCE,
        RECORD_ID,
        Column("attacker_no", "INTEGER", "1-based position of the attacker in the record.",
               required=True),
        Column("age", "INTEGER", "Age in years; NULL when unknown."),
        Column("sex", "VARCHAR", "male, female, other or NULL when unknown.",
               ("male", "female", "other")),
        Column("outcome_raw", "VARCHAR", "The source's words for this attacker's fate."),
        Column("race", "VARCHAR", "Race or ethnicity as the source publishes it, mapped "
               "onto one list by vocab/race.csv (hispanic is listed as such where the source "
               "does); NULL where unpublished or unmapped.", RACES, optional=True),
        Column("race_raw", "VARCHAR", "The source's own race or ethnicity value.",
               optional=True),
        Column("relationship", "VARCHAR", "The attacker's relationship to the site or its "
               "people, mapped by vocab/relationship.csv: student, former_student, "
               "student_elsewhere (a student of another school), employee, former_employee, "
               "police_or_security, customer_client (a customer, client or visitor), resident "
               "(lived at the site), family (a relative of a "
               "victim or of someone at the site), intimate_partner (current or former), "
               "acquaintance, stranger (no connection), other, unknown.", RELATIONSHIPS,
               optional=True),
        Column("relationship_raw", "VARCHAR", "The source's own words for the relationship.",
               optional=True),
        Column("mental_illness", "BOOLEAN", "TRUE when the source states prior signs or a "
               "history of mental illness or crisis; FALSE when it states none; NULL when "
               "unknown or unpublished.", optional=True),
        Column("mental_illness_raw", "VARCHAR", "The source's own value.", optional=True),
        Column("mental_illness_detail", "VARCHAR", "The source's own account of the signs "
               "or history of mental illness, verbatim (Mother Jones `mental_health_details`, "
               "Stanford `History of Mental Illness - Detailed`).", optional=True),
        Column("military_experience", "BOOLEAN", "TRUE when the source states military "
               "experience.", optional=True),
        Column("military_experience_raw", "VARCHAR", "The source's own value.", optional=True),
        Column("criminal_history", "BOOLEAN", "TRUE when the source describes a prior "
               "offence, charge, probation or protective order; FALSE when it states none; "
               "NULL when unknown or when its text is about the shooting itself (reviewed "
               "per value in vocab/criminal_history.csv).", optional=True),
        Column("criminal_history_raw", "VARCHAR", "The source's own words on prior criminal "
               "history, verbatim (free text in the K-12 SSDB).", optional=True),
        Column("planned", "BOOLEAN", "TRUE when the source states the attack was planned "
               "beforehand (K-12 SSDB `Preplanned`, per incident: every shooter carries it).",
               optional=True),
        Column("planned_raw", "VARCHAR", "The source's own value.", optional=True),
        Column("charges_raw", "VARCHAR", "The charges filed against this attacker, in the "
               "source's words (K-12 SSDB `chargesfiled`), verbatim.", optional=True),
        Column("verdict_raw", "VARCHAR", "The verdict, in the source's words (K-12 SSDB "
               "`verdict`), verbatim.", optional=True),
        Column("justice_process_raw", "VARCHAR", "How the criminal case ended or stands, in "
               "the source's words (AP `criminal_justice_process`: Trial, Plea, Arrested/"
               "Pending trial, Not applicable ...).", optional=True),
        Column("sentence_raw", "VARCHAR", "The sentence, in the source's words (AP "
               "`sentence_type`).", optional=True),
        Column("sentence_detail", "VARCHAR", "The source's detail on the sentence, verbatim "
               "(AP `sentence_details`, e.g. \"90 consecutive life sentences\").",
               optional=True),
    ),
    key=("source", "source_record_id", "attacker_no"),
)

WEAPONS = Table(
    "weapons",
    "Weapons per record: one row per weapon type and count as the source gives them.",
    (
        SOURCE,
        RECORD_ID,
        Column("weapon_type", "VARCHAR", "handgun, rifle, shotgun, other_firearm, knife, "
               "vehicle, other, unknown.", ("handgun", "rifle", "shotgun", "other_firearm",
               "knife", "vehicle", "other", "unknown"), required=True),
        Column("count", "INTEGER", "Number of weapons of this type; NULL when unknown."),
        Column("weapon_raw", "VARCHAR", "The source's words or column for the weapon."),
        Column("obtained", "VARCHAR", "How the attacker got the weapon(s), mapped by "
               "vocab/weapon_source.csv: legal_purchase, illegal_purchase, stolen, "
               "family_or_home (a relative's gun or one found at home), friend, "
               "employer_issued (a police or guard's service weapon), legal_unspecified / "
               "illegal_unspecified (obtained legally / illegally, how not stated), other, "
               "unknown. Where "
               "the source states it per record, every weapon row of the record carries it.",
               WEAPON_SOURCES, optional=True),
        Column("obtained_raw", "VARCHAR", "The source's own words for how the weapon was "
               "obtained.", optional=True),
        Column("weapon_detail", "VARCHAR", "The source's detailed description of the "
               "weapon(s), verbatim.", optional=True),
        Column("obtained_detail", "VARCHAR", "The source's free text on where or from whom "
               "the weapon(s) came (Mother Jones `where_obtained`), verbatim.", optional=True),
        Column("assault_weapon", "BOOLEAN", "TRUE when the source states an assault weapon "
               "was used, FALSE when it states none was; AP states it per incident "
               "(`if_assault_rifle_used`), so every weapon row of the incident carries it.",
               optional=True),
        Column("assault_weapon_raw", "VARCHAR", "The source's own value.", optional=True),
    ),
)

VICTIMS = Table(
    "victims",
    "One row per victim, where a source lists victims individually.",
    (
        SOURCE,
        RECORD_ID,
        Column("victim_no", "INTEGER", "1-based position of the victim in the record.",
               required=True),
        Column("age", "INTEGER", "Age in years; NULL when unknown."),
        Column("sex", "VARCHAR", "male, female, other or NULL.", ("male", "female", "other")),
        Column("injury", "VARCHAR", "killed, injured or NULL when unknown.",
               ("killed", "injured")),
        Column("relationship", "VARCHAR", "The victim's relationship to the attacker or "
               "the site, mapped by vocab/relationship.csv (same list as attackers).",
               RELATIONSHIPS, optional=True),
        Column("relationship_raw", "VARCHAR", "The source's own words for the relationship.",
               optional=True),
        Column("race", "VARCHAR", "The victim's race or ethnicity as the source publishes it, "
               "mapped by vocab/race.csv (same list as attackers).", RACES, optional=True),
        Column("race_raw", "VARCHAR", "The source's own race or ethnicity value.",
               optional=True),
    ),
)

SOURCES = Table(
    "sources",
    "The source registry with the snapshot each build used: who publishes each list, "
    "its licence and required attribution, what it counts, and where the file came from.",
    (
        Column("source", "VARCHAR", "Slug.", required=True),
        Column("title", "VARCHAR", "Name of the dataset."),
        Column("publisher", "VARCHAR", "Who compiles it."),
        Column("licence", "VARCHAR", "Licence or terms of use."),
        Column("attribution", "VARCHAR", "Attribution the licence requires."),
        Column("homepage", "VARCHAR", "Publisher's page or canonical URL."),
        Column("definition", "VARCHAR", "What the source counts (its inclusion criteria)."),
        Column("repo", "VARCHAR", "GitHub repository serving the pinned copy."),
        Column("pinned_commit", "VARCHAR", "Commit the URLs are pinned to."),
        Column("tags", "VARCHAR[]", "What kind of list it is: active_shooter, active_attack, "
               "school, mass_shooting, mass_killing; `firearm` when it counts firearm "
               "attacks only."),
        Column("files", "VARCHAR", "JSON list of the snapshot files used: name, url, "
               "sha256, bytes, fetched_at, mode."),
        Column("stale", "BOOLEAN", "TRUE when the last refresh could not refresh this "
               "source (download failed, file corrupt or columns changed) and the "
               "warehouse kept its last good snapshot (or, with none yet, left it out)."),
        Column("stale_reason", "VARCHAR", "Why the source is stale: the error, naming "
               "source, file and column where known; NULL when fresh."),
        Column("records", "INTEGER", "Records in `source_records`."),
        Column("rejects", "INTEGER", "Rows in `rejects`."),
        Column("first_date", "DATE", "Earliest incident date in the records."),
        Column("last_date", "DATE", "Latest incident date in the records."),
        Column("excluded_reason", "VARCHAR", "Why this source's records are left out of this "
               "copy of the warehouse: a release (`incidents release`) leaves out every source "
               "whose terms forbid redistribution; NULL when its records are included."),
    ),
    key=("source",),
)

RECORD_DEFINITIONS = Table(
    "record_definitions",
    "Which common definitions each record meets, whatever its source counts: compare "
    "sources on one footing (e.g. 4+ killed). NULL where the record does not say enough.",
    (
        SOURCE,
        RECORD_ID,
        Column("killed_4_plus", "BOOLEAN", "4 or more victims killed (the shooter not "
               "counted): the mass-killing threshold of AP/USA TODAY/Northeastern."),
        Column("shot_4_plus", "BOOLEAN", "A firearm attack with 4 or more victims killed "
               "or injured: GVA's mass-shooting threshold (injured counts all injuries "
               "the source reports)."),
        Column("school", "BOOLEAN", "The attack happened at a school (location_type "
               "education); NULL when the place type is unknown."),
        Column("firearm", "BOOLEAN", "A firearm was used: the source counts firearm "
               "attacks only, or its weapons list a gun; FALSE when it lists only other "
               "weapons."),
        Column("fbi_active_shooter", "BOOLEAN", "The record is an FBI active shooter "
               "incident (source fbi)."),
        Column("alerrt_active_attack", "BOOLEAN", "The record is an ALERRT active attack "
               "(source alerrt)."),
    ),
    key=("source", "source_record_id"),
)

SOURCE_REVISIONS = Table(
    "source_revisions",
    "What changed when a source's new snapshot replaced the previous one (sources such "
    "as GVA revise past records): records added and removed, and each changed field "
    "with its old and new value. Both snapshots stay in data/raw.",
    (
        SOURCE,
        Column("revised_at", "TIMESTAMP WITH TIME ZONE", "When the refresh saw the change.",
               required=True),
        Column("old_sha256", "VARCHAR", "sha256 of the previous raw file(s), comma-separated."),
        Column("new_sha256", "VARCHAR", "sha256 of the new raw file(s), comma-separated."),
        Column("change", "VARCHAR", "added, removed or changed.",
               ("added", "removed", "changed"), required=True),
        Column("source_record_id", "VARCHAR", "The record.", required=True),
        Column("field", "VARCHAR", "For changed: the source_records column that changed."),
        Column("old_value", "VARCHAR", "For changed: the previous value, as text."),
        Column("new_value", "VARCHAR", "For changed: the new value, as text."),
    ),
)

BUILD_INFO = Table(
    "build_info",
    "One row: when this warehouse was built and from what. The fingerprint covers the "
    "raw snapshots (sha256), the revision history, which sources were stale, and the "
    "code and library versions; a refresh whose inputs give the same fingerprint "
    "rebuilds nothing.",
    (
        Column("built_at", "TIMESTAMP WITH TIME ZONE", "When the build finished.",
               required=True),
        Column("fingerprint", "VARCHAR", "sha256 of everything the build read.",
               required=True),
        Column("code_sha256", "VARCHAR", "sha256 of pipelines/, sql/ and library versions.",
               required=True),
        Column("snapshots", "VARCHAR", "JSON: per source, the sha256 of each raw file used."),
        Column("release_version", "VARCHAR", "The release this copy of the warehouse belongs "
               "to (`2026.12.01`, `2026.12.01.1`: the date, then a counter), set by "
               "`incidents release` in the released copy only; NULL in the warehouse a "
               "refresh publishes."),
    ),
)

SOURCE_AGREEMENT = Table(
    "source_agreement",
    "How often two sources agree on the same incident: for every pair of sources and "
    "every compared field, the linked record pairs (one record of each source in one "
    "incident of `incident_links`), how many could be compared (both values known: not "
    "NULL, not `unknown`), how many agree, and the typical difference where they do "
    "not. Built by sql/warehouse/source_agreement.sql, whose field list says how each "
    "field is compared. A field a source does not fill (e.g. `end_method` where every "
    "value is `unknown`) has `compared` 0, not a false agreement.",
    (
        Column("source_a", "VARCHAR", "The first source of the pair (alphabetically "
               "first slug).", required=True),
        Column("source_b", "VARCHAR", "The second source of the pair.", required=True),
        Column("field", "VARCHAR", "The `source_records` column compared: incident_date, "
               "state, city (ignoring case and spaces), killed, injured, location_type, "
               "stopped_by, end_method, attacker_fate or ended_before_police.",
               required=True),
        Column("pairs", "INTEGER", "Linked record pairs of the two sources (a source's "
               "duplicate records of one incident each pair up).", required=True),
        Column("compared", "INTEGER", "Pairs where both records know the field.",
               required=True),
        Column("agreeing", "INTEGER", "Compared pairs that give the same value.",
               required=True),
        Column("share", "DOUBLE", "agreeing / compared; NULL when nothing was compared."),
        Column("ci_low", "DOUBLE", "Lower bound of the 95% Wilson interval of `share`."),
        Column("ci_high", "DOUBLE", "Upper bound of the 95% Wilson interval of `share`."),
        Column("typical_difference", "VARCHAR", "Where compared pairs disagree: the median "
               "absolute difference (killed, injured), the median days apart (dates), or "
               "the commonest disagreeing pair of values, `source_a value vs source_b "
               "value (n pairs)`; NULL when every compared pair agrees."),
    ),
    key=("source_a", "source_b", "field"),
)

DETAIL_TABLES = (ATTACKERS, WEAPONS, VICTIMS)
NORMALIZED_TABLES = (SOURCE_RECORDS, REJECTS, *DETAIL_TABLES)
TABLES = {
    t.name: t
    for t in (SOURCES, *NORMALIZED_TABLES, RECORD_DEFINITIONS, SOURCE_REVISIONS, BUILD_INFO,
              SOURCE_AGREEMENT)
}


class ContractError(ValueError):
    """A source's normalized output breaks the contract (names source, table, field)."""


def conform(frame: pl.DataFrame, table: Table, source: str) -> pl.DataFrame:
    """Check ``frame`` against ``table`` and return it with exactly the contract columns.

    Fails loudly, naming source, table and column, on a missing column, a value
    outside a vocabulary, a NULL in a required column, or a duplicate key.
    """
    import polars as pl

    missing = [c.name for c in table.columns if c.name not in frame.columns]
    if missing:
        raise ContractError(f"{source}: {table.name}: missing columns {missing}")
    frame = frame.select([c.name for c in table.columns])
    # NULLs and out-of-vocabulary values of every column counted in one pass; the
    # columns are then checked in order, so the first failing one is reported.
    nulls = frame.null_count().row(0, named=True) if frame.width else {}
    outside = frame.select([
        (pl.col(c.name).is_not_null() & ~pl.col(c.name).is_in(c.vocabulary)).sum()
        for c in table.columns if c.vocabulary
    ]).row(0, named=True) if any(c.vocabulary for c in table.columns) else {}
    for col in table.columns:
        if col.required and nulls[col.name]:
            series = frame[col.name]
            raise ContractError(
                f"{source}: {table.name}.{col.name}: {series.null_count()} NULL values"
            )
        if col.vocabulary and outside[col.name]:
            series = frame[col.name]
            bad = series.drop_nulls().filter(~series.drop_nulls().is_in(col.vocabulary))
            if bad.len():
                raise ContractError(
                    f"{source}: {table.name}.{col.name}: values outside the vocabulary "
                    f"{sorted(set(bad.to_list()))[:5]}; allowed {list(col.vocabulary)}"
                )
    if table.key:
        dupes = frame.filter(pl.struct(list(table.key)).is_duplicated())
        if dupes.height:
            raise ContractError(
                f"{source}: {table.name}: duplicate key {list(table.key)}: "
                f"{dupes.select(table.key).unique().head(3).rows()}"
            )
    return frame


def create_table_sql(table: Table) -> str:
    """``CREATE TABLE`` statement for an empty table of the contract."""
    cols = ",\n  ".join(f'"{c.name}" {c.type}' for c in table.columns)
    return f"CREATE TABLE {table.name} (\n  {cols}\n)"


def comment_sql(table: Table) -> list[str]:
    """``COMMENT ON`` statements so ``DESCRIBE``/``duckdb_columns()`` explain each column."""

    def quote(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    statements = [f"COMMENT ON TABLE {table.name} IS {quote(table.description)}"]
    statements += [
        f'COMMENT ON COLUMN {table.name}."{c.name}" IS {quote(c.description)}'
        for c in table.columns
    ]
    return statements
