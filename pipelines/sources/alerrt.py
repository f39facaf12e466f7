"""ALERRT Center (Texas State University) Active Attack Data, v2024.

One row per active attack, 2000-2024, firearm or not. Quirks handled: the case
code is text ("231a"), zip codes keep their leading zeros, attacker
demographics are spread over ``_1/_2/_3`` columns in random order. The case code
is the record id: none is repeated or missing in v2024, but a later file that
repeats one keeps both rows (the 2nd gets "#2", both are flagged
``duplicate_id_in_source``) and a row without one gets "row <n>".

Attackers among the dead (checked for the record-fidelity review): no. `kill_tot` and
`wound_tot` count victims split into civilians, police and guards; the attacker is
never in them (Binghamton 2009 13, Virginia Tech 2007 32, Westroads Mall 2007 8: the
victims only, as FBI and AP). Where ALERRT is one below other lists the attack mixed
weapons and ALERRT counts the shooting victims (SOURCES.md). killed_raw / injured_raw
are `kill_tot` / `wound_tot` as written. `location_primary` is mapped one to one
(basis 'stated'); no place names are given, so no keyword refinement.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipelines.normalize.runner import Parsed
from pipelines.registry import Source, SourceFile

SOURCE = Source(
    slug="alerrt",
    title="Active Attack Data (v2024)",
    publisher="ALERRT Center at Texas State University",
    licence="No licence file; the publisher's stated mission is to make the data "
    "as freely accessible as possible",
    attribution="ALERRT Center, Texas State University, Active Attack Data "
    "(activeattackdata.org)",
    homepage="https://activeattackdata.org",
    repo="ALERRT-Research/PROJ_activeattack_website",
    commit="7042812a8c765f6074105199510decf406b501ed",
    branch="main",
    files=(
        SourceFile("data", "data/aa_data_wide_nogeo_2024.csv",
                   "0972bbcc93d9ef9ec06e37bbcad4924ceeb7f66236bfc6efed5fd75fc5bc2c14", 103829),
    ),
    definition="Active attack (ALERRT): one or more individuals actively killing or "
    "attempting to kill multiple unrelated people in a public space; includes attacks "
    "with knives and vehicles, not only firearms.",
    expected_records=(597, 597),
    first_date=date(2000, 1, 1),
    last_date=date(2024, 12, 31),
    notes="killed/injured use ALERRT's strict `kill_tot`/`wound_tot`; the FBI-style "
    "inclusive `*_incl` counts are kept in the raw file.",
    tags=("active_attack",),
)

COLUMNS = (
    "case_code", "date", "hour", "city", "state", "location_primary", "school_level",
    "offender_count", "weapon_primary", "weapon_pistol_tot", "weapon_shotgun_tot",
    "weapon_rifle_tot", "kill_tot", "wound_tot", "kill_le_tot", "wound_le_tot",
    "kill_guard_tot", "wound_guard_tot", "resolution", "resolved_pre_le", "age_1", "age_2",
    "age_3", "sex_1", "sex_2", "sex_3",
)


def parse(files: dict[str, Path]) -> Parsed:
    import polars as pl

    from pipelines.normalize.parsing import (
        clean_text,
        read_csv_text,
        rejects_for,
        state_code,
        to_int,
        unique_ids,
    )

    path = files["data"]
    raw = read_csv_text(path, "alerrt")
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(f"alerrt: {path.name}: missing columns {missing}")
    record_id, duplicated = unique_ids(clean_text("case_code"), pl.col("source_row"))
    staged = raw.with_row_index("source_row", offset=1).with_columns(
        pl.lit(path.name).alias("source_file"),
        record_id.alias("source_record_id"),
        duplicated.alias("duplicate_id"),
        clean_text("date").str.to_date("%Y-%m-%d", strict=False).alias("incident_date"),
        to_int("hour").alias("start_hour"),
        state_code("state").alias("state_code"),
        *(to_int(c).alias(f"{c}_n") for c in ("offender_count", "kill_tot", "wound_tot",
                                               "kill_le_tot", "wound_le_tot",
                                               "kill_guard_tot", "wound_guard_tot",
                                               "weapon_pistol_tot", "weapon_shotgun_tot",
                                               "weapon_rifle_tot", "age_1", "age_2",
                                               "age_3")),
    )
    staged = staged.with_columns(
        pl.when(pl.col("start_hour").is_between(0, 23)).then(pl.col("start_hour"))
        .alias("start_hour")
    )
    rejects = rejects_for(
        staged,
        "alerrt",
        {
            "date": ("date", "incident_date", "not an ISO date"),
            "hour": ("hour", "start_hour", "not an hour 0-23"),
            "state": ("state", "state_code", "not a US state or territory"),
            "kill_tot": ("kill_tot", "kill_tot_n", "not a whole number"),
            "wound_tot": ("wound_tot", "wound_tot_n", "not a whole number"),
            "kill_guard_tot": ("kill_guard_tot", "kill_guard_tot_n", "not a whole number"),
            "wound_guard_tot": ("wound_guard_tot", "wound_guard_tot_n",
                                "not a whole number"),
            "offender_count": ("offender_count", "offender_count_n", "not a whole number"),
        },
    )
    return Parsed(frames={"alerrt": staged}, rejects=rejects)
