"""AP / USA TODAY / Northeastern University Mass Killing Database (public tables).

Four linked CSVs: incidents, offenders, victims and weapons, joined by
``incident_id``. Quirks handled: the files are UTF-8 with a byte-order mark, which
must not end up in the first column name (``incident_id``); ids, the
injured count and the coordinates are quoted strings; offender free-text cells
hold CRLF line breaks inside quotes. Offender, victim and weapon rows whose
``incident_id`` is not in the incidents table are rejected ("no such incident")
rather than dropped.

Attackers among the dead (checked): no. The codebook counts victims "excluding the
offender"; offenders are a separate table, and the victims table holds exactly
`num_victims_killed` rows per incident. The few records one above other lists count
a victim the others leave out (Sandy Hook's mother, the Las Vegas victims who died
later, Goleta's neighbour), not the offender. killed_raw / injured_raw are
`num_victims_killed` / `num_victims_injured` as written.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipelines.normalize.runner import Parsed
from pipelines.registry import Source, SourceFile

_ZIP = "associatedpress-mass-killings-public.zip"
_DIR = "associatedpress-mass-killings-public/"

SOURCE = Source(
    slug="ap_usat_nu",
    title="Mass Killing Database (public tables)",
    publisher="The Associated Press, USA TODAY and Northeastern University",
    licence="Public download (codebook: most variables except victim names are public)",
    attribution="The Associated Press/USA TODAY/Northeastern University Mass Killing "
    "Database (data.world/associatedpress/mass-killings-public)",
    homepage="https://data.world/associatedpress/mass-killings-public",
    repo="ChiisanaBanana/StatisticalLearning",
    commit="b2aad57c28aec263cc9c0dc7d0ae19b764bfe19d",
    branch="main",
    files=tuple(
        SourceFile(key, _ZIP, sha, size, member=f"{_DIR}mass_killing_{key}_public.csv")
        for key, sha, size in (
            ("incidents", "08fba631d66e24e249bd9226b3a924eaedcb46905f14b482f1d14ec27a9599f3",
             308282),
            ("offenders", "be23679bbd20cb0faf30ac77d4b6eeba92ee3ca4db76dfaf6ed51d1b9249b118",
             107525),
            ("victims", "4ec7d2fedaa7715c6308ebce08fd6fd96bc374f13f11569564dea56d0a35774c",
             182272),
            ("weapons", "88ac3696e2835aac95bcd622b7889974e77da296754085873657de5b16cc43b3",
             29879),
        )
    ),
    definition="Mass killings: 4+ victims killed (not counting the offender) within 24 "
    "hours, by any weapon (shootings, stabbings, arson, vehicles...), from 2006.",
    expected_records=(615, 900),
    first_date=date(2006, 1, 1),
    notes="killed/injured are AP's num_victims_killed/num_victims_injured (victims only). "
    "485 incidents have firstcod = Shooting; firearm use shows in `weapons` (487 incidents "
    "list a gun). end_method, stopped_by and attacker_fate come from the offenders table, "
    "'Killed' counting as shot by police only where the narrative says police killed the "
    "offender; the narrative corrects the ending where it tells a flight or a survived "
    "suicide attempt, and alone sets ended_before_police.",
    tags=("mass_killing",),
)

SLUG = "ap_usat_nu"
COLUMNS = {
    "incidents": ("incident_id", "date", "city", "state", "num_offenders", "num_victims_killed",
                  "num_victims_injured", "firstcod", "location_type", "location", "longitude",
                  "latitude", "county", "narrative"),
    "offenders": ("incident_id", "offender_id", "age", "sex", "suicide", "deathcause",
                  "outcome"),
    "victims": ("incident_id", "victim_id", "age", "sex"),
    "weapons": ("incident_id", "weapon_id", "weapon_type", "gun_class", "gun_type"),
}
DESCRIPTIVE = {"incidents": ("situation_type", "if_assault_rifle_used", "census_tract_geoid"),
               "offenders": ("race", "criminal_justice_process", "sentence_type",
                             "sentence_details"),
               "victims": ("race", "vorelationship")}
"""Descriptive columns (situation, assault rifle, census tract, race, the offender's case and
sentence, the victim's relationship to the
offender) the SQL maps when present; a file without them still loads, those fields
then NULL."""
NO_SUCH_INCIDENT = "no such incident"


def read_table(key: str, path: Path):
    """One of the four CSVs as text columns, with ``source_file`` and ``source_row``.

    The byte-order mark is stripped from the header whether or not the CSV reader
    already did so, so the first column is always ``incident_id``.
    """
    import polars as pl

    from pipelines.normalize.parsing import read_csv_text

    frame = read_csv_text(path, SLUG)
    frame = frame.rename({c: c.lstrip("\ufeff").strip() for c in frame.columns})
    missing = [c for c in COLUMNS[key] if c not in frame.columns]
    if missing:
        raise ValueError(f"{SLUG}: {path.name}: missing columns {missing}")
    frame = frame.with_columns(pl.lit(None, pl.String).alias(c)
                               for c in DESCRIPTIVE.get(key, ()) if c not in frame.columns)
    return frame.with_row_index("source_row", offset=1).with_columns(
        pl.col("source_row").cast(pl.Int32),
        pl.lit(path.name).alias("source_file"),
    )


def link_to_incidents(frame, incidents, id_col: str):
    """Detail rows with their incident's ``source_record_id`` and a 1-based ``item_no``
    (order of the row's own id within the incident), plus rejects for rows whose
    ``incident_id`` is not in the incidents table."""
    import polars as pl

    from pipelines.normalize.parsing import clean_text, to_int

    known = incidents.select(
        pl.col("incident_raw").alias("_incident"), "source_record_id"
    ).unique("_incident", keep="first")
    joined = frame.with_columns(clean_text("incident_id").alias("_incident")).join(
        known, on="_incident", how="left"
    )
    orphans = joined.filter(pl.col("source_record_id").is_null()).select(
        pl.lit(SLUG).alias("source"),
        "source_file",
        "source_row",
        pl.lit(None, dtype=pl.String).alias("source_record_id"),
        pl.lit("incident_id").alias("field"),
        pl.col("incident_id").alias("raw_value"),
        pl.lit(NO_SUCH_INCIDENT).alias("reason"),
    )
    linked = (
        joined.filter(pl.col("source_record_id").is_not_null())
        .drop("_incident")
        .sort("source_record_id", to_int(id_col), "source_row", nulls_last=True)
        .with_columns(
            (pl.int_range(pl.len()).over("source_record_id") + 1).cast(pl.Int32).alias("item_no")
        )
    )
    return linked, orphans


def parse(files: dict[str, Path]) -> Parsed:
    import polars as pl

    from pipelines.normalize.parsing import (
        clean_text,
        rejects_for,
        state_code,
        to_float,
        to_int,
        unique_ids,
    )

    tables = {key: read_table(key, files[key]) for key in COLUMNS}
    record_id, duplicated = unique_ids(clean_text("incident_id"), pl.col("source_row"))
    incidents = tables["incidents"].with_columns(
        clean_text("incident_id").alias("incident_raw"),
        record_id.alias("source_record_id"),
        duplicated.alias("duplicate_id"),
        clean_text("date").str.to_date("%Y-%m-%d", strict=False).alias("incident_date"),
        state_code("state").alias("state_code"),
        to_int("num_offenders").alias("num_offenders_n"),
        to_int("num_victims_killed").alias("killed_n"),
        to_int("num_victims_injured").alias("injured_n"),
        to_float("latitude").alias("latitude_n"),
        to_float("longitude").alias("longitude_n"),
    ).with_columns(
        pl.when(pl.col("latitude_n").is_between(-90, 90)).then("latitude_n").alias("latitude_n"),
        pl.when(pl.col("longitude_n").is_between(-180, 180)).then("longitude_n")
        .alias("longitude_n"),
    )
    offenders, orphan_offenders = link_to_incidents(tables["offenders"], incidents, "offender_id")
    victims, orphan_victims = link_to_incidents(tables["victims"], incidents, "victim_id")
    weapons, orphan_weapons = link_to_incidents(tables["weapons"], incidents, "weapon_id")
    offenders = offenders.with_columns(to_int("age").alias("age_n"))
    victims = victims.with_columns(to_int("age").alias("age_n"))

    rejects = pl.concat([
        rejects_for(incidents, SLUG, {
            "date": ("date", "incident_date", "not an ISO date"),
            "state": ("state", "state_code", "not a US state or territory"),
            "num_offenders": ("num_offenders", "num_offenders_n", "not a whole number"),
            "num_victims_killed": ("num_victims_killed", "killed_n", "not a whole number"),
            "num_victims_injured": ("num_victims_injured", "injured_n", "not a whole number"),
            "latitude": ("latitude", "latitude_n", "not a latitude"),
            "longitude": ("longitude", "longitude_n", "not a longitude"),
        }),
        rejects_for(offenders, SLUG, {"age": ("age", "age_n", "not a whole number")}),
        rejects_for(victims, SLUG, {"age": ("age", "age_n", "not a whole number")}),
        orphan_offenders, orphan_victims, orphan_weapons,
    ])
    return Parsed(
        frames={"ap_incidents": incidents, "ap_offenders": offenders, "ap_victims": victims,
                "ap_weapons": weapons},
        rejects=rejects,
    )
