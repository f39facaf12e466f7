"""Stanford Mass Shootings in America (MSA), final version (project suspended).

One CSV row per shooting, 1966-2016. Quirks handled: CRLF record endings with
LF inside quoted cells; "Unknown" as the marker of unknown in numeric columns;
dates M/D/YYYY; category labels spelled inconsistently ("Custody/Escaped" and
"Custody / Escaped", "Restaurant/Cafe?", "Not Apllicable"), normalized by
``normalize_label`` before the SQL maps them; `CaseID` 156 and 168 each used for
two different shootings (the later row gets "#2", both are flagged
``duplicate_id_in_source``); several shooters' ages listed in one cell ("17,18",
"19 & 19", "28, unknown") and sexes as "Male/Female".

Records entered twice under two CaseIDs are listed in ``stanford_msa_duplicates.csv``
(case_id, same_as, verdict, note): ten 2016 shootings, each second entry flagged
``duplicate_record_in_source`` (the first is not, so excluding the flag counts each
shooting once). They were found by pairing every two records of one state within a
day of each other and reading both descriptions; the two candidate pairs that are
different shootings are listed as ``not_duplicate`` so the test that reruns the
search can tell a new candidate from a reviewed one.

Casualty figures the description contradicts are listed in
``stanford_msa_casualties.csv`` with the quoted text, and flagged
``casualties_contradict_narrative``; the figures are replaced only because the
source's own Total Number of Fatalities and Total Number of Victims agree with the
description (CaseID 197: "police officer was shot and killed" with 0 enforcement
fatalities; 320: "Five people were injured" with 5 civilian fatalities; 6: the
guard "was injured", not killed). Shooters are not counted among the victims:
killed and injured are the civilian and enforcement columns, never `Total Number of
Fatalities`, which includes shooters who died (killed_raw quotes all three).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipelines.normalize.runner import Parsed
from pipelines.registry import Source, SourceFile

SOURCE = Source(
    slug="stanford_msa",
    title="Mass Shootings in America",
    publisher="Stanford Geospatial Center and Stanford Libraries",
    licence="CC BY 4.0",
    attribution="Stanford Mass Shootings in America, courtesy of the Stanford Geospatial "
    "Center and Stanford Libraries",
    homepage="https://github.com/StanfordGeospatialCenter/MSA",
    repo="StanfordGeospatialCenter/MSA",
    commit="7025a75fdc82cb7737ed9eb9445cf4128dea9208",
    branch="master",
    files=(
        SourceFile("data", "Data/Stanford_MSA_Database.csv",
                   "9d42ea9d72bc7280c6d2db8604167497792629f90bd4d3d799bb6a86cfd34283", 489585),
        SourceFile("dictionary", "Methodology/Stanford_MSA_Data_Dictionary.csv",
                   "b91d879603acddbfa2d970c24fde8a6eb3ee8ffcf86db2db676723011fc835b5", 20765,
                   optional=True),
    ),
    definition="Mass shootings: 3+ people shot (not necessarily killed), not counting the "
    "shooter, excluding identifiably gang-, drug- or organized-crime-related shootings.",
    expected_records=(335, 335),
    first_date=date(1966, 1, 1),
    last_date=date(2016, 12, 31),
    notes="killed/injured = civilian + enforcement counts (victims only); the source's "
    "`Total Number of Fatalities` (1,331) includes shooters who died. `Depreciation` marks "
    "6 records uncertain (2) and 4 as not fitting the criteria (0); all are kept. Ten 2016 "
    "shootings appear twice under different CaseIDs (the second entry is flagged "
    "duplicate_record_in_source).",
    tags=("mass_shooting", "firearm"),
)

SLUG = "stanford_msa"
DUPLICATES = Path(__file__).with_name("stanford_msa_duplicates.csv")
"""Reviewed pairs of records of one shooting (and reviewed look-alikes that are not)."""
CASUALTY_REVIEW = Path(__file__).with_name("stanford_msa_casualties.csv")
"""Records whose casualty columns contradict the description, with the quoted text
and the figures the source's own totals support."""


def reviewed_duplicates():
    """The duplicates list: ``source_record_id`` of the second entry, ``duplicate_of``."""
    import polars as pl

    table = pl.read_csv(DUPLICATES, infer_schema_length=0)
    return table.filter(pl.col("verdict") == "duplicate").select(
        pl.col("case_id").alias("source_record_id"), pl.col("same_as").alias("duplicate_of"))


def casualty_review():
    """The casualty review list keyed by ``source_record_id`` (figures as integers)."""
    import polars as pl

    table = pl.read_csv(CASUALTY_REVIEW, infer_schema_length=0)
    counts = ("killed", "injured", "officers_killed", "officers_injured")
    return table.select(
        pl.col("case_id").alias("source_record_id"),
        pl.col("quote").alias("review_quote"),
        *(pl.col(c).cast(pl.Int32).alias(f"review_{c}") for c in counts),
        pl.col("supported_by").alias("review_support"),
    )
FIELDS = {
    "CaseID": "case_id", "Title": "title", "City": "city_raw", "State": "state_raw",
    "Latitude": "latitude_raw", "Longitude": "longitude_raw",
    "Number of Civilian Fatalities": "civ_killed_raw",
    "Number of Civilian Injured": "civ_injured_raw",
    "Number of Enforcement Fatalities": "le_killed_raw",
    "Number of Enforcement Injured": "le_injured_raw",
    "Total Number of Fatalities": "total_fatalities_raw",
    "Description": "description", "Date": "date_raw",
    "Number of shooters": "shooters_raw", "Shooter Age(s)": "ages_raw",
    "Shooter Sex": "sex_raw", "Type of Gun - General": "gun_general_raw",
    "Number of Shotguns": "shotguns_raw", "Number of Rifles": "rifles_raw",
    "Number of Handguns": "handguns_raw",
    "Fate of Shooter at the scene": "fate_scene_raw", "Fate of Shooter": "fate_raw",
    "Shooter's Cause of Death": "cause_raw", "School Related": "school_raw",
    "Place Type": "place_raw", "Depreciation": "depreciation_raw",
    # descriptive fields, kept as written for the SQL and the vocabulary tables
    "Shooter Race": "shooter_race_raw",
    "Relationship to Incident Location": "location_relationship_raw",
    "History of Mental Illness - General": "mental_illness_raw",
    "History of Mental Illness - Detailed": "mental_illness_detail_raw",
    "Military Experience": "military_raw", "Type of Gun - Detailed": "gun_detailed_raw",
    "Targeted Victim/s - General": "targeted_raw", "Possible Motive - General": "motive_raw",
}


def normalize_label(col: str):
    """A category label folded so spelling variants compare equal: lower case,
    whitespace runs (line breaks included) to one space, no space around "/", and
    no stray "?" or "," at the ends ("Custody / Escaped" == "Custody/Escaped",
    "Restaurant/Cafe?" == "Restaurant/cafe")."""
    import polars as pl

    from pipelines.normalize.parsing import clean_text

    return (
        clean_text(pl.col(col).str.replace_all(r"\s+", " "))
        .str.to_lowercase()
        .str.replace_all(r"\s*/\s*", "/")
        .str.strip_chars(" ?,")
        .alias(col)
    )


def split_attackers(staged):
    """One row per shooter: ``attacker_no``, ``age_raw``, ``age``, ``sex_raw``.

    The number of rows is the largest of `Number of shooters`, the number of ages
    listed, and 1 when only a sex is known. Ages are given to shooters by position
    only when one age per shooter is listed (a single age for several shooters
    would be the average the data dictionary asks for); a single sex applies to
    all shooters, "Male/Female" is split by position.
    """
    import polars as pl

    from pipelines.normalize.parsing import clean_text, to_int

    ages = clean_text("ages_raw").str.replace_all("&", ",").str.split(",")
    sexes = clean_text("sex_raw").str.split("/")
    rows = staged.select(
        "source_record_id", "source_file", "source_row",
        ages.alias("_ages"), sexes.alias("_sexes"),
        pl.max_horizontal(
            pl.col("shooters"),
            ages.list.len(),
            pl.when(sexes.is_not_null()).then(pl.lit(1)),
        ).fill_null(0).alias("_n"),
    )
    exploded = rows.with_columns(
        pl.int_ranges(1, pl.col("_n") + 1).alias("attacker_no")
    ).explode("attacker_no").filter(pl.col("attacker_no").is_not_null())
    i = pl.col("attacker_no") - 1
    return exploded.select(
        "source_record_id", "source_file", "source_row",
        pl.col("attacker_no").cast(pl.Int32),
        pl.when(pl.col("_ages").list.len() == pl.col("_n"))
        .then(pl.col("_ages").list.get(i, null_on_oob=True).str.strip_chars())
        .alias("age_raw"),
        pl.when(pl.col("_sexes").list.len() == 1)
        .then(pl.col("_sexes").list.first())
        .when(pl.col("_sexes").list.len() == pl.col("_n"))
        .then(pl.col("_sexes").list.get(i, null_on_oob=True))
        .str.strip_chars()
        .alias("sex_raw"),
    ).with_columns(to_int("age_raw").alias("age"))


def parse(files: dict[str, Path]) -> Parsed:
    import polars as pl

    from pipelines.normalize.parsing import (
        clean_text,
        read_csv_text,
        rejects_for,
        state_code,
        to_float,
        to_int,
        unique_ids,
    )

    path = files["data"]
    raw = read_csv_text(path, SLUG)
    missing = [c for c in FIELDS if c not in raw.columns]
    if missing:
        raise ValueError(f"{SLUG}: {path.name}: missing columns {missing}")
    record_id, duplicated = unique_ids(clean_text("case_id"), pl.col("source_row"))
    staged = raw.select(
        pl.lit(path.name).alias("source_file"),
        pl.int_range(1, pl.len() + 1, dtype=pl.Int32).alias("source_row"),
        *(pl.col(src).alias(dst) for src, dst in FIELDS.items()),
    ).with_columns(
        record_id.alias("source_record_id"),
        duplicated.alias("duplicate_id"),
        clean_text("title").alias("incident_name"),
        clean_text("date_raw").str.to_date("%m/%d/%Y", strict=False).alias("incident_date"),
        clean_text("city_raw").alias("city"),
        state_code("state_raw").alias("state"),
        to_float("latitude_raw").alias("latitude"),
        to_float("longitude_raw").alias("longitude"),
        *(to_int(f"{c}_raw").alias(c) for c in (
            "civ_killed", "civ_injured", "le_killed", "le_injured", "total_fatalities",
            "shooters", "shotguns", "rifles", "handguns")),
        *(normalize_label(f"{c}_raw").alias(c) for c in (
            "fate_scene", "fate", "cause", "school", "place", "gun_general")),
    ).with_columns(
        pl.when(pl.col("latitude").is_between(-90, 90)).then("latitude").alias("latitude"),
        pl.when(pl.col("longitude").is_between(-180, 180)).then("longitude").alias("longitude"),
    )
    staged = staged.join(reviewed_duplicates(), on="source_record_id", how="left").join(
        casualty_review(), on="source_record_id", how="left")
    attackers = split_attackers(staged)
    rejects = pl.concat([
        rejects_for(staged, SLUG, {
            "Date": ("date_raw", "incident_date", "not a M/D/YYYY date"),
            "State": ("state_raw", "state", "not a US state or territory"),
            "Latitude": ("latitude_raw", "latitude", "not a latitude"),
            "Longitude": ("longitude_raw", "longitude", "not a longitude"),
            "Number of Civilian Fatalities": ("civ_killed_raw", "civ_killed",
                                              "not a whole number"),
            "Number of Civilian Injured": ("civ_injured_raw", "civ_injured",
                                           "not a whole number"),
            "Number of Enforcement Fatalities": ("le_killed_raw", "le_killed",
                                                 "not a whole number"),
            "Number of Enforcement Injured": ("le_injured_raw", "le_injured",
                                              "not a whole number"),
            "Number of shooters": ("shooters_raw", "shooters", "not a whole number"),
            "Number of Shotguns": ("shotguns_raw", "shotguns", "not a whole number"),
            "Number of Rifles": ("rifles_raw", "rifles", "not a whole number"),
            "Number of Handguns": ("handguns_raw", "handguns", "not a whole number"),
        }),
        rejects_for(attackers, SLUG, {
            "Shooter Age(s)": ("age_raw", "age", "not a whole number"),
        }),
    ])
    return Parsed(frames={"stanford": staged, "stanford_attackers": attackers},
                  rejects=rejects)
