"""Gun Violence Archive mass shootings, master file (rebuilt daily by dxzys).

One CSV row per GVA mass shooting, 2013 to date, newest first. Quirks handled:
dates written "July 22, 2026"; full state names ("District of Columbia" too);
`City Or County` holds GVA's place, which is usually a city, sometimes "postal
city (actual place)" ("Pompano Beach (Parkland)") and in two rows a county
written "Pointe Coupee (county)": the text goes to ``city`` as given, and a
county only where the cell clearly names one (see ``place_columns``);
`Operations` is always "N/A" and `Address` is not in the contract, so both are
ignored; `latitude`/`longitude` were geocoded by the repo owner, not by GVA.
GVA does not say how a shooting ended, only how many suspects were killed,
injured and arrested, so the outcome is kept as that summary.

The helpers here are shared with ``gva_trace`` (the same GVA records as
distributed by The Trace).

Attackers among the dead (checked): no. GVA counts victims and suspects in separate
columns; killed/injured are `Victims Killed` / `Victims Injured` (killed_raw /
injured_raw as written). Location: this file has no venue, and `Address` holds street
addresses ("Church St", "Park Ave"), which the keyword table would misread, so
location_type stays 'unknown' for every record (The Trace's copy names the venue of
about a third of the same incidents: see gva_trace).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipelines.normalize.runner import Parsed
from pipelines.registry import Source, SourceFile

SOURCE = Source(
    slug="gva",
    title="Mass shootings (Gun Violence Archive), master file",
    publisher="Gun Violence Archive; compiled daily by GitHub user dxzys",
    licence="GVA terms: free use with proper credit",
    attribution="Gun Violence Archive (gunviolencearchive.org)",
    homepage="https://www.gunviolencearchive.org/reports/mass-shooting",
    repo="dxzys/Gun-Violence-Data",
    commit="608051390e94b3f6a0979f6ebd8eecc849b4b2db",
    branch="main",
    files=(
        SourceFile("data", "data/gva_master.csv",
                   "26b75266094c6a93ec9057d0a286bd1eaaebf7ba76414593359467c2489cb448", 699063),
    ),
    definition="Mass shooting (GVA): 4+ people shot, injured or killed, not counting the "
    "shooter, in one event at one general time and place.",
    expected_records=(6127, 20000),
    first_date=date(2013, 1, 1),
    updates_daily=True,
    tags=("mass_shooting", "firearm"),
)

SLUG = "gva"
DATE_FORMAT = "%B %d, %Y"
FIELDS = {
    "Incident ID": "incident_id", "Incident Date": "date_raw", "State": "state_raw",
    "City Or County": "city_raw", "Victims Killed": "victims_killed_raw",
    "Victims Injured": "victims_injured_raw", "Suspects Killed": "suspects_killed_raw",
    "Suspects Injured": "suspects_injured_raw", "Suspects Arrested": "suspects_arrested_raw",
    "latitude": "latitude_raw", "longitude": "longitude_raw",
}
COUNTS = ("victims_killed", "victims_injured", "suspects_killed", "suspects_injured",
          "suspects_arrested")


def read_fields(path: Path, fields: dict[str, str], slug: str):
    """The CSV as text, only ``fields`` (renamed), with ``source_file`` and ``source_row``."""
    import polars as pl

    from pipelines.normalize.parsing import read_csv_text

    raw = read_csv_text(path, slug)
    missing = [c for c in fields if c not in raw.columns]
    if missing:
        raise ValueError(f"{slug}: {path.name}: missing columns {missing}")
    return raw.select(
        pl.lit(path.name).alias("source_file"),
        pl.int_range(1, pl.len() + 1, dtype=pl.Int32).alias("source_row"),
        *(pl.col(src).alias(dst) for src, dst in fields.items()),
    )


def place_columns(city_raw: str, state: str):
    """``(city, county)`` from GVA's `City Or County`.

    The city is the cell as given (trimmed). The county is set only when the cell
    clearly names one: it ends with " County" or " Parish" (kept as written), or it
    is GVA's "Name (county)" form, which becomes "Name County" ("Name Parish" in
    Louisiana, whose counties are parishes). "Pembroke Township" or "Queens" are
    not counties and are left alone.
    """
    import polars as pl

    from pipelines.normalize.parsing import clean_text

    city = clean_text(city_raw)
    base = city.str.extract(r"(?i)^(.+?)\s*\(county\)$", 1)
    county = (
        pl.when(city.str.contains(r"(?i)\s(county|parish)$")).then(city)
        .when(base.is_not_null() & (pl.col(state) == "LA"))
        .then(pl.concat_str(base, pl.lit(" Parish")))
        .when(base.is_not_null()).then(pl.concat_str(base, pl.lit(" County")))
    )
    return city, county


def coordinates(lat_raw: str, lon_raw: str):
    """``(latitude, longitude)`` as floats, NULL when not a number or out of range."""
    import polars as pl

    from pipelines.normalize.parsing import to_float

    lat, lon = to_float(lat_raw), to_float(lon_raw)
    return (pl.when(lat.is_between(-90, 90)).then(lat),
            pl.when(lon.is_between(-180, 180)).then(lon))


def parse(files: dict[str, Path]) -> Parsed:
    import polars as pl

    from pipelines.normalize.parsing import (
        clean_text,
        rejects_for,
        state_code,
        to_int,
        unique_ids,
    )

    path = files["data"]
    staged = read_fields(path, FIELDS, SLUG)
    record_id, duplicated = unique_ids(clean_text("incident_id"), pl.col("source_row"))
    latitude, longitude = coordinates("latitude_raw", "longitude_raw")
    staged = staged.with_columns(
        record_id.alias("source_record_id"),
        duplicated.alias("duplicate_id"),
        clean_text("date_raw").str.to_date(DATE_FORMAT, strict=False).alias("incident_date"),
        state_code("state_raw").alias("state"),
        latitude.alias("latitude"),
        longitude.alias("longitude"),
        *(to_int(f"{c}_raw").alias(c) for c in COUNTS),
    )
    city, county = place_columns("city_raw", "state")
    staged = staged.with_columns(city.alias("city"), county.alias("county"))
    rejects = rejects_for(staged, SLUG, {
        "Incident Date": ("date_raw", "incident_date", "not a date like 'July 22, 2026'"),
        "State": ("state_raw", "state", "not a US state or territory"),
        "latitude": ("latitude_raw", "latitude", "not a latitude"),
        "longitude": ("longitude_raw", "longitude", "not a longitude"),
        **{
            name: (f"{c}_raw", c, "not a whole number")
            for name, c in zip(
                ("Victims Killed", "Victims Injured", "Suspects Killed", "Suspects Injured",
                 "Suspects Arrested"), COUNTS, strict=True)
        },
    })
    return Parsed(frames={SLUG: staged}, rejects=rejects)
