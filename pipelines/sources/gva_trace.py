"""GVA mass shootings as distributed by The Trace's Gun Violence Data Hub.

The same GVA incidents as ``gva`` (every `incident_id` is also in the master
file), with the time of day. Quirks handled: every field quoted; "N/A" marks a
missing value (`incident_time` in 1,288 rows, `business_location_name`,
`address`); times written "5:25 AM"; dates "April 1, 2017"; full state names;
`killed` and `injured` include suspects, so the victim-only `victims_killed` and
`victims_injured` are used; `updated_date` is a Unix epoch in seconds (parsed to
``updated_at`` and rejected if it is not one; it is not a contract column).
Places and ids are read with the ``gva`` helpers.

Attackers among the dead (checked): the file's own `killed` does include them
(= victims_killed + suspects_killed in every row), which is why `victims_killed` is
used; killed_raw / injured_raw are the headline `killed` / `injured` as written (the
file's own figures, suspects included), and a record whose `killed` counts a suspect
carries the flag attacker_removed_from_killed.
Location: `business_location_name` is mapped by the shared keyword table
(``pipelines/normalize/location_keywords.csv``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipelines.normalize.runner import Parsed
from pipelines.registry import Source, SourceFile

SOURCE = Source(
    slug="gva_trace",
    title="Mass shootings (Gun Violence Archive via The Trace)",
    publisher="Gun Violence Archive, distributed by The Trace",
    licence="GVA terms: free use with proper credit",
    attribution="Gun Violence Archive, via The Trace's Gun Violence Data Hub",
    homepage="https://datahub.thetrace.org/dataset/mass-shootings/",
    repo="dxzys/MSMDB",
    commit="54fe1bbf3f5300f5ff30b6bc8034be2f118f152a",
    branch="main",
    files=(
        SourceFile("data", "data/raw/gva.csv",
                   "bfd3223068d8119d2abd84ebc14633a032d4ed7fe5aa19d90369f9438e13bbaa", 720597),
    ),
    definition="Mass shooting (GVA): 4+ people shot, injured or killed, not counting the "
    "shooter; this distribution adds the time of day.",
    expected_records=(5469, 20000),
    first_date=date(2014, 1, 1),
    updates_daily=True,
    tags=("mass_shooting", "firearm"),
)

SLUG = "gva_trace"
TIME_FORMAT = "%I:%M %p"
FIELDS = {
    "incident_id": "incident_id", "incident_date": "date_raw", "incident_time": "time_raw",
    "updated_date": "updated_raw", "state": "state_raw", "city_or_county": "city_raw",
    "business_location_name": "business_raw", "latitude": "latitude_raw",
    "longitude": "longitude_raw", "killed": "killed_raw", "injured": "injured_raw",
    "victims_killed": "victims_killed_raw",
    "victims_injured": "victims_injured_raw", "suspects_killed": "suspects_killed_raw",
}
COUNTS = ("victims_killed", "victims_injured", "suspects_killed")


def parse(files: dict[str, Path]) -> Parsed:
    import polars as pl

    from pipelines.normalize.parsing import (
        clean_text,
        rejects_for,
        state_code,
        to_int,
        unique_ids,
    )
    from pipelines.sources.gva import DATE_FORMAT, coordinates, place_columns, read_fields

    path = files["data"]
    staged = read_fields(path, FIELDS, SLUG)
    record_id, duplicated = unique_ids(clean_text("incident_id"), pl.col("source_row"))
    latitude, longitude = coordinates("latitude_raw", "longitude_raw")
    epoch = clean_text("updated_raw").cast(pl.Int64, strict=False)
    staged = staged.with_columns(
        record_id.alias("source_record_id"),
        duplicated.alias("duplicate_id"),
        clean_text("date_raw").str.to_date(DATE_FORMAT, strict=False).alias("incident_date"),
        clean_text("time_raw").str.to_time(TIME_FORMAT, strict=False).alias("start_time"),
        pl.from_epoch(epoch, time_unit="s").alias("updated_at"),
        state_code("state_raw").alias("state"),
        clean_text("business_raw").alias("business_location_name"),
        latitude.alias("latitude"),
        longitude.alias("longitude"),
        *(to_int(f"{c}_raw").alias(c) for c in COUNTS),
    )
    city, county = place_columns("city_raw", "state")
    staged = staged.with_columns(city.alias("city"), county.alias("county"))
    rejects = rejects_for(staged, SLUG, {
        "incident_date": ("date_raw", "incident_date", "not a date like 'April 1, 2017'"),
        "incident_time": ("time_raw", "start_time", "not a time like '5:25 AM'"),
        "updated_date": ("updated_raw", "updated_at", "not a Unix time in seconds"),
        "state": ("state_raw", "state", "not a US state or territory"),
        "latitude": ("latitude_raw", "latitude", "not a latitude"),
        "longitude": ("longitude_raw", "longitude", "not a longitude"),
        **{c: (f"{c}_raw", c, "not a whole number") for c in COUNTS},
    })
    return Parsed(frames={SLUG: staged}, rejects=rejects)
