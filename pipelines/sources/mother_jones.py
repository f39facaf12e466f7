"""Mother Jones "US Mass Shootings, 1982-2025" (export of the public Google Sheet).

Quirks handled: the header names `location` twice (the 2nd is the venue type), so
the file is read without a header and the columns are named by position after the
header row is checked; `location` is "City, State" text with full state names,
codes and misspellings ("Lousiana", "D.C."); dates mix M/D/YY (2017-2024) and
M/D/YYYY; "-" marks missing values; venue values carry stray newlines and mixed
case; there is no id column, so the id is the ISO date and the case name. There is
no structured shooter-fate column: the outcome is read from `summary` with a few
explicit phrase patterns (``OUTCOME_PATTERNS``), and the matched phrase is kept.

Attackers among the dead: `fatalities` counts the shooter in some records and not in
others, and Mother Jones documents no rule; `total_victims` cannot tell (it equals
fatalities + injured in all 155 rows). Reading every record whose shooter died (by
suicide or shot) against its summary and the other lists gives the pattern: through
mid-2013 (and in Marysville-Pilchuck 2014) a shooter who died is usually in the
figure (Binghamton 2009: 14 = 13 victims + the shooter, who "committed suicide";
Standard Gravure 1989: 9, the summary says he "gunned down eight people"); from the
Washington Navy Yard (2013-09) on, and in some older records (Virginia Tech 2007 32,
Columbine 13, Crandon 2007 6), the figure is victims only. The decision is made per
record and kept as data in ``mother_jones_killed.csv`` (36 records) with the
evidence: the summary's own words where it states the victim count, otherwise the
fate it states and the victim count two or more other lists agree on. Left as
published: records where neither settles it (GMAC 1990 10: Stanford says 11 victims,
no list says 9; Fort Lauderdale 1996 6, whose wounded victim died later). A test
reruns the cross-list comparison so a record it flags cannot be missing from the list.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipelines.normalize.runner import Parsed
from pipelines.registry import Source, SourceFile

SOURCE = Source(
    slug="mother_jones",
    title="US Mass Shootings, 1982-2025",
    publisher="Mother Jones",
    licence="No licence stated; cite Mother Jones",
    attribution="Mother Jones, US Mass Shootings, 1982-2025 (motherjones.com)",
    homepage="https://www.motherjones.com/politics/2012/12/mass-shootings-mother-jones-full-data/",
    repo="dxzys/MSMDB",
    commit="54fe1bbf3f5300f5ff30b6bc8034be2f118f152a",
    branch="main",
    files=(
        SourceFile("data", "data/raw/motherjones.csv",
                   "58a53e7540d7389a2775b66ec5ad15e9215e5810c6859e28eb8b7141f584d5d1", 182663),
    ),
    definition="Indiscriminate mass shootings in public places: 4+ killed (not counting "
    "the shooter) through 2012, 3+ killed from 2013; excludes gang, armed-robbery and "
    "domestic shootings in private homes.",
    expected_records=(155, 250),
    first_date=date(1982, 1, 1),
    notes="Canonical export: https://docs.google.com/spreadsheets/d/"
    "1b9o6uDO18sLxBqPwl_Gh9bnhW-ev_dABH83M5Vb5L8o/export?format=csv (not pinnable); the "
    "pinned copy is the raw GitHub file of dxzys/MSMDB. `fatalities` counts the shooter "
    "in 36 records (reviewed list mother_jones_killed.csv): killed leaves the shooter "
    "out, killed_raw keeps the figure. end_method, stopped_by and attacker_fate are "
    "derived from the free-text summary with explicit phrase patterns; the matched phrase "
    "is kept in attacker_outcome_raw.",
    tags=("mass_shooting", "firearm"),
)

HEADER = (
    "case", "location", "date", "summary", "fatalities", "injured", "total_victims",
    "location", "age_of_shooter", "prior_signs_mental_health_issues",
    "mental_health_details", "weapons_obtained_legally", "where_obtained", "weapon_type",
    "weapon_details", "race", "gender", "sources", "mental_health_sources",
    "sources_additional_age", "latitude", "longitude", "type", "year",
)
"""The raw header, `location` twice. The 2nd `location` is read as `venue`."""
NAMES = tuple(
    "venue" if i == HEADER.index("location", 2) else name for i, name in enumerate(HEADER)
)

# Outcome phrases in `summary` (matched regardless of case, any run of whitespace for a
# space, and kept as written), in order of precedence: the first kind whose pattern
# matches decides. Phrases are specific on purpose: "suicidal gunman" (Uvalde) or
# "thinking of suicide by cop" must not count.
OUTCOME_PATTERNS = (
    ("suicide", r"killed (him|her)self|killing himself|took (his|her) own life"
     r"|taking (his|her) own life|committed suicide|committing suicide|apparent suicide"
     r"|(shot|shooting) (him|her)self|turn(ed|ing) (the|his) gun on himself|self-inflicted"
     r"|(and|then) himself"),
    ("killed_by_police", r"(killed|shot dead|shot and killed|fatally shot|fatally wounded) "
     r"(by|in|after)[^.]{0,40}?(police( officers?)?|law enforcement|officers?|deputies|swat)"
     r"|(died|dying)[^.]{0,30}(shootout|shoot-out|gun battle) with (police|law enforcement)"
     r"|(police|law enforcement|swat team)[^.]{0,30}?(killed|fatally shot) (him|johnson)"
     r"|police officer fatally shot"),
    ("killed_by_civilian", r"shot dead by (a|an) [^.]{0,30}?(civilian|witness|bystander)"),
    ("shot_by_police", r"(shot|wounded) and (arrested|captured) by [^.]{0,20}?"
     r"(police( officers?)?|officers?)"
     r"|(shot|wounded) by (police|officers?) and (arrested|captured|taken into custody)"),
    ("subdued_by_civilian", r"subdued by [^.]{0,30}?(bystanders|patrons|member|civilians?)"
     r"|wrestled [^.]{0,30}?to the ground"),
    ("surrendered", r"surrendered|surrendering"),
    ("apprehended", r"apprehended|aprehended|arrested|taken into custody|captured"),
)

# The shooter leaving the scene, which is how the attack ended even where the summary
# goes on to his capture or death ("fled in an SUV", "shortly after fleeing the
# campus"). Only forms whose subject is the shooter: "fled the bar" (the attack went
# on) and "who then fled" (after a bystander disarmed him) are left out, and a match
# whose preceding word names someone else ("another co-worker fled the scene") is not
# the shooter's (FLEE_OTHERS).
FLEE_PATTERN = (r"fled (the scene|after \w+( fire)?|in (his|her|a|an|their) \w+|and)|after fleeing"
                r"|(as|while) (he|she|they) fled|escaped from the scene|fleeing the (scene|campus)")
FLEE_OTHERS = ("co-worker", "coworker", "people", "victims", "others", "bystanders",
               "employees", "customers", "students", "witnesses")


KILLED_REVIEW = Path(__file__).with_name("mother_jones_killed.csv")
"""Reviewed records whose `fatalities` count the shooter (source_record_id, fatalities,
victims_killed, evidence). Mother Jones states no rule: `total_victims` always equals
fatalities + injured (155 of 155 rows), so it cannot tell; the list was made by reading
every record whose shooter died against its summary and the other lists (see the
module docstring)."""


def killed_review():
    """The reviewed list as a frame for the SQL (counts as integers)."""
    import polars as pl

    review = pl.read_csv(KILLED_REVIEW, infer_schema_length=0)
    return review.with_columns(pl.col("fatalities", "victims_killed").cast(pl.Int32))


def parse_date(col: str):
    """M/D/YYYY or M/D/YY; two-digit years are 20YY below 70 and 19YY from 70."""
    import polars as pl

    from pipelines.normalize.parsing import clean_text

    text = clean_text(col)
    return (
        pl.when(text.str.contains(r"^\d{1,2}/\d{1,2}/\d{4}$"))
        .then(text.str.to_date("%m/%d/%Y", strict=False))
        .when(text.str.contains(r"^\d{1,2}/\d{1,2}/\d{2}$"))
        .then(text.str.to_date("%m/%d/%y", strict=False))
    )


def as_written(pattern: str) -> str:
    """``pattern`` matched regardless of case and with any whitespace for a space, so
    the match is the summary's own text (original case and spacing)."""
    return "(?i)" + pattern.replace(" ", r"\s+")


def summary_outcome(col: str):
    """(kind, matched phrase) of the first ``OUTCOME_PATTERNS`` kind found in ``col``;
    the phrase as it stands in the summary."""
    import polars as pl

    text = pl.col(col)
    kind = pl.lit(None, dtype=pl.String)
    phrase = pl.lit(None, dtype=pl.String)
    for name, pattern in reversed(OUTCOME_PATTERNS):
        hit = text.str.extract(as_written(f"({pattern})"), 1)
        kind = pl.when(hit.is_not_null()).then(pl.lit(name)).otherwise(kind)
        phrase = pl.when(hit.is_not_null()).then(hit).otherwise(phrase)
    return kind, phrase


def summary_flight(col: str):
    """The ``FLEE_PATTERN`` phrase in ``col`` as written, NULL when none or when the
    word before it names someone other than the shooter (``FLEE_OTHERS``)."""
    import polars as pl

    hit = pl.col(col).str.extract_groups(as_written(rf"(\S*)\s+({FLEE_PATTERN})"))
    before = hit.struct.field("1").str.to_lowercase().str.strip_chars(",;:")
    return pl.when(~before.is_in(FLEE_OTHERS)).then(hit.struct.field("2"))


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
    from pipelines.sources.wapo import unique_record_ids, weapon_rows

    path = files["data"]
    grid = read_csv_text(path, "mother_jones", has_header=False)
    header = tuple((v or "").strip() for v in grid.row(0))
    if header != HEADER:
        missing = sorted({n for n in HEADER if header.count(n) < HEADER.count(n)})
        extra = sorted({n for n in header if header.count(n) > HEADER.count(n)})
        raise ValueError(f"mother_jones: {path.name}: unexpected header (missing columns "
                         f"{missing}, unexpected columns {extra}): {header}")
    raw = grid.slice(1).rename(dict(zip(grid.columns, NAMES, strict=True)))
    kind, phrase = summary_outcome("summary")
    latitude, longitude = coordinates("latitude", "longitude")
    location = clean_text("location")
    genders = clean_text("gender").str.split(" & ")
    staged = raw.with_row_index("source_row", offset=1).with_columns(
        pl.col("source_row").cast(pl.Int32),
        pl.lit(path.name).alias("source_file"),
        clean_text("case").alias("incident_name"),
        parse_date("date").alias("incident_date"),
        location.str.extract(r"^(.*),[^,]*$", 1).str.strip_chars().alias("city"),
        location.str.extract(r",([^,]*)$", 1).str.strip_chars().alias("state_raw"),
        clean_text("venue").alias("venue_clean"),
        to_int("fatalities").alias("killed"),
        to_int("injured").alias("injured_n"),
        latitude.alias("latitude_n"),
        longitude.alias("longitude_n"),
        to_int("age_of_shooter").alias("age"),
        genders.alias("gender_list"),
        kind.alias("outcome_kind"),
        phrase.alias("outcome_phrase"),
        summary_flight("summary").alias("flee_phrase"),
    ).with_columns(
        state_code("state_raw").alias("state"),
        pl.coalesce(
            pl.concat_str(
                pl.coalesce(pl.col("incident_date").cast(pl.String), clean_text("date")),
                pl.lit(" "), pl.col("incident_name"),
            ),
            pl.format("row {}", pl.col("source_row")),
        ).alias("source_record_id"),
        pl.when(pl.col("gender_list").list.len() > 1)
        .then(pl.col("gender_list").list.len()).cast(pl.Int32).alias("attackers"),
    )
    staged = unique_record_ids(staged)
    # The reviewed list applies only while the record still gives the reviewed figure.
    review = killed_review().rename({"fatalities": "_reviewed_fatalities"})
    staged = staged.join(review, on="source_record_id", how="left").with_columns(
        pl.when(pl.col("killed") == pl.col("_reviewed_fatalities"))
        .then(pl.col(name)).alias(name)
        for name in ("victims_killed", "evidence")
    ).rename({"victims_killed": "reviewed_killed", "evidence": "killed_evidence"})
    # One attacker row per gender listed ("Male & Female" -> 2); the single age goes
    # to the first. Codes other than M/Male/F/Female (one long free-text note) -> NULL.
    attackers = (
        staged.select(
            "source_record_id", "source_file", "source_row", "age", "gender",
            pl.int_ranges(1, pl.col("gender_list").list.len().fill_null(1) + 1)
            .alias("attacker_no"),
            "gender_list",
        )
        .explode("attacker_no")
        .with_columns(
            pl.col("attacker_no").cast(pl.Int32),
            pl.when(pl.col("attacker_no") == 1).then(pl.col("age")).alias("age"),
            pl.col("gender_list").list.get(pl.col("attacker_no") - 1, null_on_oob=True)
            .str.strip_chars().alias("gender_raw"),
        )
        .with_columns(
            pl.col("gender_raw").str.to_lowercase()
            .replace_strict({"m": "male", "male": "male", "f": "female", "female": "female"},
                            default=None, return_dtype=pl.String)
            .alias("sex"),
        )
        .drop("gender_list")
    )
    rejects = pl.concat([
        rejects_for(
            staged,
            "mother_jones",
            {
                "date": ("date", "incident_date", "not a M/D/YY or M/D/YYYY date"),
                "location": ("location", "state", "no US state after the last comma"),
                "fatalities": ("fatalities", "killed", "not a whole number"),
                "injured": ("injured", "injured_n", "not a whole number"),
                "latitude": ("latitude", "latitude_n", "not a latitude"),
                "longitude": ("longitude", "longitude_n", "not a longitude"),
                "age_of_shooter": ("age_of_shooter", "age", "not a whole number"),
            },
        ),
        rejects_for(
            attackers,
            "mother_jones",
            {"gender": ("gender_raw", "sex", "not M/Male/F/Female")},
        ),
    ])
    return Parsed(
        frames={"mother_jones": staged, "mother_jones_attackers": attackers,
                "mother_jones_weapons": weapon_rows(staged, "weapon_type")},
        rejects=rejects,
    )
