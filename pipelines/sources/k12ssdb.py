"""K-12 School Shooting Database (CHDS / Riedman), 2022 release.

One workbook, four data sheets linked by ``Incident_ID`` / ``incidentid``:
INCIDENT (one row per incident), SHOOTER, VICTIM and WEAPON (one row per
person or weapon). Quirks handled here:

- ``20210902CASAL`` is used by two INCIDENT rows: both are kept, the later one
  becomes ``20210902CASAL#2``, both are flagged ``duplicate_id_in_source``; the
  SHOOTER/VICTIM/WEAPON rows of that id attach to the first row (the id they
  carry), so the ``#2`` record gets NULL killed/injured/attackers.
- Dates come from ``Date`` only (13 ids begin with a different date).
- ``First_Shot`` mixes "9:00 PM", "16:00:00", one "930am", the text "null" and blanks.
- SHOOTER/VICTIM/WEAPON rows whose ``incidentid`` names no incident are rejected
  ("no such incident"), never dropped silently.
- Ages are numbers or the age groups Teen/Adult/Child/Minor (NULL, no reject).
- The WEAPON sheet's unlabelled helper columns (COUNTIF formulas) are ignored.
- Newer releases have ``Duration_min``; it is read when present.

Attackers among the dead (checked): no. killed/injured are counted from the VICTIM
sheet, and shooters are on the SHOOTER sheet (Columbine: 13 Fatal victim rows,
the two shooters' deaths in `shooterdied`). One VICTIM row is itself a shooter
(20190610ILMEW: two men fired at each other, the wounded one is on both sheets); the
reviewed list ``k12ssdb_attacker_victims.csv`` names such rows, which are left out of
the counts and the victims table (`derivations` says so). Demographics cannot find
them (victims share age and sex with their shooter in many fights), so the list holds
the rows found by reading narratives; it is not known to be complete. The source
writes no casualty figure, so killed_raw / injured_raw give the VICTIM rows counted
("VICTIM rows with injury Fatal: 10"). The VICTIM sheet can miss a victim (Uvalde:
20 Fatal rows for 21 dead), which no column of the source corrects; left as published.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.normalize.runner import Parsed
from pipelines.registry import Source, SourceFile

if TYPE_CHECKING:
    import polars as pl

SOURCE = Source(
    slug="k12ssdb",
    title="K-12 School Shooting Database (2022 release)",
    publisher="Center for Homeland Defense and Security (David Riedman, Desmond O'Neill)",
    licence="Public resource, any use; citation requested",
    attribution="Riedman, David and Desmond O'Neill (2020). K-12 School Shooting Database. "
    "Center for Homeland Defense and Security, www.chds.us/ssdb",
    homepage="https://k12ssdb.org",
    repo="snirlugassy/school_shooting_contagion",
    commit="42a8b555f40ceb33ef97ca62ccbce9ef8c127caf",
    branch="main",
    files=(
        SourceFile("workbook", "SSDB_Raw_Data.xlsx",
                   "e8610dfdd5edd1f4343985e9336633e628c78e6deee71c7fa8192c08447efd7e", 1032221),
    ),
    definition="Any incident in which a gun is brandished or fired, or a bullet hits "
    "school property, at a K-12 school, regardless of the number of victims, time of "
    "day or day of week.",
    expected_records=(2067, 3500),
    first_date=date(1970, 1, 1),
    notes="killed/injured are counted from the VICTIM sheet (Fatal; Wounded or Minor "
    "Injuries); an incident without VICTIM rows had no one hit but the shooter. The "
    "VICTIM sheet can miss a victim (Uvalde: 20 Fatal rows, 21 killed publicly).",
    tags=("school", "firearm"),
)

SHEETS = ("INCIDENT", "SHOOTER", "VICTIM", "WEAPON")
COLUMNS = {
    "INCIDENT": ("Incident_ID", "Date", "School", "City", "State", "Location_Type",
                 "First_Shot", "Officer_Involved"),
    "SHOOTER": ("incidentid", "age", "gender", "shooteroutcome", "shooterdied", "injury"),
    "VICTIM": ("incidentid", "age", "gender", "injury"),
    "WEAPON": ("incidentid", "weaponcaliber", "weapontype"),
}
AGE_GROUPS = ("Teen", "Adult", "Child", "Minor")
"""Age words the SSDB uses instead of a number: stored as NULL, not rejected."""
GENDERS = ("male", "female", "transgender")
"""Gender values the SQL maps (lower case); others are rejected."""
VICTIM_INJURIES = ("Fatal", "Wounded", "Minor Injuries", "None")


def read_workbook(path: Path) -> dict[str, pl.DataFrame]:
    """The four data sheets as text columns, every row kept (numbered later)."""
    from pipelines.normalize.parsing import read_xlsx

    sheets = read_xlsx(path, "k12ssdb", sheet_name=list(SHEETS), drop_empty_rows=False)
    for sheet, frame in sheets.items():
        missing = [c for c in COLUMNS[sheet] if c not in frame.columns]
        if missing:
            raise ValueError(f"k12ssdb: {path.name}: sheet {sheet}: missing columns {missing}")
    return sheets


def _numbered(frame: pl.DataFrame, file_name: str) -> pl.DataFrame:
    """``source_row`` (1 = first row under the header) and ``source_file``; blank rows go."""
    import polars as pl

    from pipelines.normalize.parsing import clean_text

    return frame.with_row_index("source_row", offset=1).with_columns(
        pl.col("source_row").cast(pl.Int32),
        pl.lit(file_name).alias("source_file"),
    ).filter(pl.any_horizontal(clean_text(c).is_not_null() for c in frame.columns))


def first_shot(col: str) -> tuple[pl.Expr, pl.Expr]:
    """(time of day, precision) from "9:00 PM", "16:00:00" or "930am" (the shared
    ``clock_time``); NULL for blanks, "null" and anything else."""
    from pipelines.normalize.parsing import clock_time

    return clock_time(col)


def incidents(raw: pl.DataFrame, file_name: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The INCIDENT sheet (text columns, as read) -> staged incidents and their rejects."""
    import polars as pl

    from pipelines.normalize.parsing import (
        clean_text,
        rejects_for,
        state_code,
        to_float,
        to_int,
    )

    missing = [c for c in COLUMNS["INCIDENT"] if c not in raw.columns]
    if missing:
        raise ValueError(f"k12ssdb: INCIDENT: missing columns {missing}")
    has_duration = "Duration_min" in raw.columns
    duration_raw = pl.col("Duration_min") if has_duration else pl.lit(None, pl.String)
    start_time, start_precision = first_shot("First_Shot")
    staged = _numbered(raw, file_name).with_columns(
        pl.coalesce(clean_text("Incident_ID"),
                    pl.format("row{}", pl.col("source_row"))).alias("source_id"),
        duration_raw.cast(pl.String).alias("duration_raw"),
    ).with_columns(
        (pl.int_range(pl.len()).over("source_id") + 1).cast(pl.Int32).alias("duplicate_no"),
        (pl.len().over("source_id") > 1).alias("duplicate_id"),
    ).with_columns(
        pl.when(pl.col("duplicate_no") > 1)
        .then(pl.format("{}#{}", pl.col("source_id"), pl.col("duplicate_no")))
        .otherwise(pl.col("source_id")).alias("source_record_id"),
        clean_text("School").alias("incident_name"),
        clean_text("Date").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
        .alias("incident_date"),
        start_time.alias("start_time"),
        start_precision.alias("start_time_precision"),
        clean_text("City").alias("city"),
        state_code("State").alias("state"),
        pl.col("State").alias("state_raw"),
        clean_text("Location_Type").alias("location_type_raw"),
        pl.when(to_float("duration_raw") >= 0).then(to_float("duration_raw"))
        .alias("duration_min"),
        clean_text("Officer_Involved").alias("officer_involved"),  # " No" -> "No"
        (to_int("Reliability") if "Reliability" in raw.columns
         else pl.lit(None, pl.Int32)).alias("reliability"),
    )
    checks = {
        "INCIDENT.Date": ("Date", "incident_date", "not an ISO date"),
        "INCIDENT.First_Shot": ("First_Shot", "start_time", "not a time of day"),
        "INCIDENT.State": ("State", "state", "not a US state or territory"),
    }
    if "Reliability" in raw.columns:
        checks["INCIDENT.Reliability"] = ("Reliability", "reliability", "not a whole number")
    if has_duration:
        checks["INCIDENT.Duration_min"] = ("duration_raw", "duration_min", "not a number")
    return staged, rejects_for(staged, "k12ssdb", checks)


def attach(raw: pl.DataFrame, sheet: str, file_name: str,
           incident_ids: pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A SHOOTER/VICTIM/WEAPON sheet attached to its incidents, numbered within each.

    Rows attach by the id they carry, so a duplicated incident id gets them on its
    first row. Rows whose id names no incident are returned as rejects.
    """
    import polars as pl

    from pipelines.normalize.parsing import clean_text

    rows = _numbered(raw, file_name).with_columns(
        clean_text("incidentid").alias("source_record_id"))
    known = pl.col("source_record_id").is_in(incident_ids.implode())
    orphans = rows.filter(~known.fill_null(False)).select(
        pl.lit("k12ssdb").alias("source"),
        "source_file",
        "source_row",
        pl.lit(None, pl.String).alias("source_record_id"),
        pl.lit(f"{sheet}.incidentid").alias("field"),
        pl.col("incidentid").cast(pl.String).alias("raw_value"),
        pl.lit("no such incident").alias("reason"),
    )
    attached = rows.filter(known.fill_null(False)).with_columns(
        (pl.int_range(pl.len()).over("source_record_id") + 1).cast(pl.Int32).alias("item_no"),
    )
    return attached, orphans


def _person(frame: pl.DataFrame) -> pl.DataFrame:
    """Age in years (NULL for age groups) and the raw values to reject."""
    import polars as pl

    from pipelines.normalize.parsing import clean_text, to_int

    age_text = clean_text("age")
    gender = clean_text("gender")
    return frame.with_columns(
        to_int("age").alias("age_years"),
        pl.when(age_text.is_in(AGE_GROUPS)).then(None).otherwise(age_text).alias("age_check"),
        gender.alias("gender_clean"),
        pl.when(gender.str.to_lowercase().is_in(GENDERS)).then(pl.lit("ok"))
        .alias("gender_ok"),
    ).with_columns(
        pl.when(pl.col("age_years").is_between(0, 120)).then(pl.col("age_years"))
        .alias("age_years"),
    )


ATTACKER_VICTIMS = Path(__file__).with_name("k12ssdb_attacker_victims.csv")
"""Reviewed VICTIM rows that are one of the incident's shooters (source_record_id,
victim_no = the row's number within the incident, evidence quoting the narrative)."""


def attacker_victims():
    """The reviewed list as a frame for the SQL."""
    import polars as pl

    review = pl.read_csv(ATTACKER_VICTIMS, infer_schema_length=0)
    return review.with_columns(pl.col("victim_no").cast(pl.Int32))


def parse(files: dict[str, Path]) -> Parsed:
    import polars as pl

    from pipelines.normalize.parsing import clean_text, rejects_for

    path = files["workbook"]
    sheets = read_workbook(path)
    staged, rejects = incidents(sheets["INCIDENT"], path.name)
    ids = staged["source_record_id"]
    shooters, orphan_s = attach(sheets["SHOOTER"], "SHOOTER", path.name, ids)
    victims, orphan_v = attach(sheets["VICTIM"], "VICTIM", path.name, ids)
    weapons, orphan_w = attach(sheets["WEAPON"], "WEAPON", path.name, ids)
    shooters = _person(shooters)
    victims = _person(victims).with_columns(clean_text("injury").alias("injury_raw"))
    weapons = weapons.with_columns(clean_text("weapontype").alias("weapontype_raw"),
                                   clean_text("weaponcaliber").alias("caliber"))
    person_checks = {
        "age": ("age_check", "age_years", "not an age in years"),
        "gender": ("gender_clean", "gender_ok", "not one person's sex"),
    }
    all_rejects = pl.concat([
        rejects,
        *(rejects_for(frame, "k12ssdb", {f"{sheet}.{k}": v for k, v in person_checks.items()})
          for sheet, frame in (("SHOOTER", shooters), ("VICTIM", victims))),
        rejects_for(victims.with_columns(
            pl.when(pl.col("injury_raw").is_in(VICTIM_INJURIES)).then(pl.lit("ok"))
            .alias("injury_ok")),
            "k12ssdb", {"VICTIM.injury": ("injury_raw", "injury_ok", "not a known injury")}),
        orphan_s, orphan_v, orphan_w,
    ])
    return Parsed(
        frames={"k12ssdb": staged, "k12ssdb_shooters": shooters,
                "k12ssdb_victims": victims, "k12ssdb_weapons": weapons,
                "k12ssdb_attacker_victims": attacker_victims()},
        rejects=all_rejects,
    )
