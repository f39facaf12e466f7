"""The Washington Post school shootings database (since Columbine).

One row per shooting on the grounds of a K-12 school. Quirks handled: CRLF line
endings; "1,965"-style thousands separators (every column is read as text, so
they cannot break the read; the contract needs no enrollment figures); `time`
is mostly "11:19 AM" but also "2:30PM" and, in 7 recent rows, a bare "15:18" or
"12:03" with no AM/PM; `date` is M/D/YYYY; `state` is a full name, sometimes with
a trailing space; shooter details sit in `*_shooter1`/`*_shooter2` columns with
one-letter gender codes; `weapon` is free text that may list several guns.

Two helpers here are shared with the Mother Jones module (they could move to
``pipelines.normalize.parsing``): ``unique_record_ids`` and ``weapon_rows``.

Attackers among the dead (checked): no. The record layout says `killed`, `injured`
and `casualties` exclude the shooter (Sandy Hook 26, without the mother killed at
home). killed_raw / injured_raw are `killed` / `injured` as written.
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
    slug="wapo",
    title="School shootings since Columbine",
    publisher="The Washington Post",
    licence="CC BY-NC-SA 4.0 (non-commercial, share-alike)",
    attribution="The Washington Post, school shootings database "
    "(github.com/washingtonpost/data-school-shootings), CC BY-NC-SA 4.0",
    homepage="https://www.washingtonpost.com/graphics/local/school-shootings-database/",
    repo="washingtonpost/data-school-shootings",
    commit="7a6dda94b072d451efe8ad18db89e7249609272f",
    branch="master",
    files=(
        SourceFile("data", "school-shootings-data.csv",
                   "4048ca28dca9dc389552b1a4065447a65689e655e32379b9f1179d4b12f944a2", 121246),
        SourceFile("record_layout", "record_layout.csv",
                   "1aa71ea76871a327350d22576fb7b9484b6dd1a33cf1c60c49e4c7e3e8f76542", 5771,
                   optional=True),
    ),
    definition="School shootings: gunfire on the grounds of a K-12 school immediately "
    "before, during or just after classes, since Columbine (1999-04-20); excludes "
    "after-hours events, accidental discharges that hurt no one, and private suicides.",
    expected_records=(428, 600),
    first_date=date(1999, 4, 20),
    notes="uid 399 and 410 are the same shooting (Leflore Magnet School, Mobile, AL, "
    "2024-01-30) entered twice; both records are kept as the source has them. "
    "Some shooters are police officers or guards who fired on school grounds. uid 333, "
    "358 and 369 carry the county and coordinates of a same-named school in another state "
    "(Neshoba County MS, Sangamon County IL, McLean County IL); the warehouse flags them "
    "state_not_matching_coordinates.",
    tags=("school", "firearm"),
)

COLUMNS = (
    "uid", "school_name", "date", "time", "city", "state", "county", "lat", "long",
    "killed", "injured", "weapon",
    "shooting_type", "resource_officer", "weapon_source",  # descriptive fields
    "school_type", "nces_school_id", "enrollment", "lunch", "ulocale",  # the school
    *(f"{c}{n}" for n in (1, 2) for c in (
        "age_shooter", "gender_shooter", "race_ethnicity_shooter", "shooter_relationship",
        "shooter_deceased", "deceased_notes",
    )),
)
SHOOTER_FIELDS = ("age_shooter", "gender_shooter", "race_ethnicity_shooter",
                  "shooter_relationship", "shooter_deceased", "deceased_notes")
EARLIEST_BARE_HOUR = 7
"""A time with no AM/PM is read on the 24-hour clock ("15:18"; "12:03" is the
same shooting as uid 399's "12:03 PM") when its hour is 7-23: then the 24-hour
and the AM reading agree, and a PM reading would fall after school hours. "4:00"
could be 04:00 or 16:00, so hours 0-6 without AM/PM are rejected, not guessed."""

# Weapon keywords, checked in this order on each item of a free-text weapon list.
WEAPON_KEYWORDS = (
    ("shotgun", r"shotgun"),
    ("handgun", r"handgun|pistol|revolver|derringer|glock"),
    ("rifle", r"rifle|carbine|ak-47|ar-15"),
    ("knife", r"knife|knives"),
)
GENERIC_FIREARM = r"\bguns?\b|firearm|weapon"
"""Items naming only a gun, a firearm or a weapon: an `unknown` weapon row, used
only when no item of the record names a specific type."""
COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
               "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


def unique_record_ids(frame: pl.DataFrame, id_col: str = "source_record_id") -> pl.DataFrame:
    """Keep every record when the source repeats an id: the 2nd, 3rd ... get "#2",
    "#3" (in file order) and all of them get ``duplicate_id`` = True."""
    import polars as pl

    n = pl.int_range(pl.len()).over(id_col) + 1
    return frame.with_columns(
        (pl.len().over(id_col) > 1).alias("duplicate_id"),
        pl.when(n > 1).then(pl.format("{}#{}", pl.col(id_col), n))
        .otherwise(pl.col(id_col)).alias(id_col),
    )


def weapon_rows(frame: pl.DataFrame, text_col: str,
                id_col: str = "source_record_id") -> pl.DataFrame:
    """Free-text weapon lists -> one row per record and weapon type.

    Only the first sentence is read (later sentences are narrative). Items are
    split on ";", ", " and " and " (not inside "Smith and Wesson"); each item is
    typed by ``WEAPON_KEYWORDS``, and counted only when it starts with a number
    word or a 1-2 digit number that is not a calibre ("Two handguns" = 2,
    "a rifle" = 1, "9 mm rifle" and "handguns" = NULL). Items naming no weapon
    ("tactical vest", "2 boxes of shells") are dropped. A type's count is the sum
    of its items' counts, NULL if any is unknown. A record whose text names no
    weapon type gets one `unknown` row.
    """
    import polars as pl

    from pipelines.normalize.parsing import clean_text

    text = frame.select(pl.col(id_col), clean_text(text_col).alias("_text")).filter(
        pl.col("_text").is_not_null()
    )
    first_sentence = pl.coalesce(
        pl.col("_text").str.extract(r"(?s)^(.*?)\.\s+[A-Z]", 1), pl.col("_text")
    )
    items = (
        text.with_columns(
            first_sentence.str.replace_all(r"(?i)smith and wesson", "Smith\x1eWesson")
            .str.replace_all(r";|, | and ", "\x1f").str.split("\x1f").alias("_item")
        )
        .explode("_item")
        .with_columns(
            pl.col("_item").str.replace_all("\x1e", " and ", literal=True)
            .str.strip_chars().str.strip_chars_end(".").alias("_item")
        )
        .filter(pl.col("_item") != "")
        .with_columns(pl.col("_item").str.to_lowercase().alias("_low"))
    )
    kind = pl.lit(None, dtype=pl.String)
    for name, pattern in reversed(WEAPON_KEYWORDS):
        kind = pl.when(pl.col("_low").str.contains(pattern)).then(pl.lit(name)).otherwise(kind)
    lead = pl.col("_low").str.extract(r"^(\d{1,2}|[a-z]+)\s+(\S+)", 1)
    unit = pl.col("_low").str.extract(r"^(\d{1,2}|[a-z]+)\s+(\S+)", 2)
    count = pl.when(unit.str.contains(r"^(mm|millimeter|gauge|cal)")).then(None).otherwise(
        pl.coalesce(lead.cast(pl.Int32, strict=False),
                    lead.replace_strict(COUNT_WORDS, default=None, return_dtype=pl.Int32))
    )
    typed = items.with_columns(
        kind.alias("weapon_type"),
        pl.col("_low").str.contains(GENERIC_FIREARM).alias("_generic"),
        count.alias("count"),
    )
    typed = typed.with_columns(
        pl.col("weapon_type").is_not_null().any().over(id_col).alias("_specific")
    )
    named = typed.filter(
        pl.col("weapon_type").is_not_null() | (~pl.col("_specific") & pl.col("_generic"))
    ).with_columns(pl.col("weapon_type").fill_null("unknown"))
    grouped = named.group_by(id_col, "weapon_type", maintain_order=True).agg(
        pl.when(pl.col("count").null_count() == 0).then(pl.col("count").sum())
        .alias("count"),
        pl.col("_item").str.join("; ").alias("weapon_raw"),
    )
    unnamed = text.join(named.select(id_col).unique(), on=id_col, how="anti").select(
        pl.col(id_col),
        pl.lit("unknown").alias("weapon_type"),
        pl.lit(None, dtype=pl.Int32).alias("count"),
        pl.col("_text").alias("weapon_raw"),
    )
    return pl.concat([grouped.with_columns(pl.col("count").cast(pl.Int32)), unnamed])


def parse_time(col: str) -> pl.Expr:
    """Time of day from "11:19 AM", "2:30PM", "15:18" or "12:03" (see EARLIEST_BARE_HOUR)."""
    import polars as pl

    from pipelines.normalize.parsing import clean_text

    text = clean_text(col).str.to_uppercase().str.replace_all(r"\s+", "")
    marked = text.str.to_time("%I:%M%p", strict=False)
    hour = text.str.extract(r"^(\d{1,2}):\d\d$", 1).cast(pl.Int32, strict=False)
    minute = text.str.extract(r"^\d{1,2}:(\d\d)$", 1).cast(pl.Int32, strict=False)
    bare_ok = hour.is_between(EARLIEST_BARE_HOUR, 23) & minute.is_between(0, 59)
    bare = pl.when(bare_ok).then(pl.time(hour.fill_null(0), minute.fill_null(0)))
    return pl.coalesce(marked, bare)


def parse(files: dict[str, Path]) -> Parsed:
    import polars as pl

    from pipelines.normalize.parsing import (
        clean_text,
        read_csv_text,
        rejects_for,
        state_code,
        to_int,
    )
    from pipelines.sources.gva import coordinates

    path = files["data"]
    raw = read_csv_text(path, "wapo")
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(f"wapo: {path.name}: missing columns {missing}")
    present = {
        n: pl.any_horizontal(clean_text(f"{f}{n}").is_not_null() for f in SHOOTER_FIELDS)
        for n in (1, 2)
    }
    latitude, longitude = coordinates("lat", "long")
    staged = raw.with_row_index("source_row", offset=1).with_columns(
        pl.col("source_row").cast(pl.Int32),
        pl.lit(path.name).alias("source_file"),
        pl.coalesce(clean_text("uid"), pl.format("row {}", pl.col("source_row")))
        .alias("source_record_id"),
        clean_text("school_name").alias("incident_name"),
        clean_text("date").str.to_date("%m/%d/%Y", strict=False).alias("incident_date"),
        parse_time("time").alias("start_time"),
        clean_text("city").alias("city_clean"),
        state_code("state").alias("state_code"),
        clean_text("county").alias("county_clean"),
        latitude.alias("latitude"),
        longitude.alias("longitude"),
        to_int("killed").alias("killed_n"),
        to_int("injured").alias("injured_n"),
        to_int("enrollment").alias("enrollment_n"),
        to_int("lunch").alias("lunch_n"),
        pl.when(present[2]).then(2).when(present[1]).then(1).cast(pl.Int32).alias("attackers"),
        *(present[n].alias(f"present{n}") for n in (1, 2)),
        *(clean_text(f"{c}{n}").str.to_lowercase().alias(f"{c}{n}_clean")
          for n in (1, 2) for c in ("shooter_deceased", "deceased_notes", "gender_shooter")),
        *(to_int(f"age_shooter{n}").alias(f"age{n}") for n in (1, 2)),
    ).with_columns(
        pl.when(pl.col(f"gender_shooter{n}_clean").is_in(["m", "f"]))
        .then(pl.col(f"gender_shooter{n}_clean")).alias(f"gender_code{n}")
        for n in (1, 2)
    )
    staged = unique_record_ids(staged)
    attackers = pl.concat([
        staged.filter(pl.col(f"present{n}")).select(
            "source_record_id",
            pl.lit(n, dtype=pl.Int32).alias("attacker_no"),
            pl.col(f"age{n}").alias("age"),
            pl.col(f"gender_code{n}").alias("gender_code"),
            pl.col(f"shooter_deceased{n}_clean").alias("shooter_deceased"),
            pl.col(f"deceased_notes{n}_clean").alias("deceased_notes"),
        )
        for n in (1, 2)
    ])
    checks = {
        "date": ("date", "incident_date", "not a M/D/YYYY date"),
        "time": ("time", "start_time", "not a time of day, or an hour before 7 with no "
                 "AM/PM (ambiguous)"),
        "state": ("state", "state_code", "not a US state or territory"),
        "lat": ("lat", "latitude", "not a latitude"),
        "long": ("long", "longitude", "not a longitude"),
        "killed": ("killed", "killed_n", "not a whole number"),
        "injured": ("injured", "injured_n", "not a whole number"),
        "enrollment": ("enrollment", "enrollment_n", "not a whole number"),
        "lunch": ("lunch", "lunch_n", "not a whole number"),
    }
    for n in (1, 2):
        checks[f"age_shooter{n}"] = (f"age_shooter{n}", f"age{n}", "not a whole number")
        checks[f"gender_shooter{n}"] = (f"gender_shooter{n}", f"gender_code{n}",
                                        "not a gender code (m/f)")
    rejects = rejects_for(staged, "wapo", checks)
    return Parsed(
        frames={"wapo": staged, "wapo_attackers": attackers,
                "wapo_weapons": weapon_rows(staged, "weapon")},
        rejects=rejects,
    )
