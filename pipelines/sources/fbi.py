"""FBI "Active Shooter Incidents in the United States", 2000-2023, as tabulated
from the FBI's PDF reports by GitHub user yurelle (one workbook per report).

Quirks handled: the header row sits under a summary block at a different row in
each workbook, so it is found by its first cell; multi-shooter values are joined
with " & "; "?" means unknown; 2019 is split across two files; the casualty
total column changes name after 2018. There is no id column: the id is the ISO
date and the incident name (the date as written when it is not a date, "<file key>
row <n>" when both are missing); a repeated id gets "#2" in file order and every
copy is flagged ``duplicate_id_in_source``.

Attackers among the dead (checked): no. The FBI reports do not count shooters among
the people killed and wounded; `Deaths` sums to the 1,409 the 2023 report states
and matches ALERRT and AP where the shooter died (Binghamton 13, Virginia Tech 32).
killed_raw / injured_raw are `Deaths` / `Wounded` as written.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.normalize.runner import Parsed
from pipelines.registry import Source, SourceFile

if TYPE_CHECKING:
    import polars as pl

_DIR = "RawReportData/FBI_-_Active_Shooter_Incidents_"

SOURCE = Source(
    slug="fbi",
    title="Active Shooter Incidents in the United States, 2000-2023 (tabulated)",
    publisher="Federal Bureau of Investigation; tabulated by GitHub user yurelle",
    licence="Unlicense (public-domain dedication) for the tabulation; FBI reports are "
    "US federal publications",
    attribution="FBI, Active Shooter Incidents in the United States (2000-2023 reports); "
    "tabulation by yurelle/FBI_Active_Shooter_Incidents",
    homepage="https://www.fbi.gov/how-we-can-help-you/active-shooter-safety-resources",
    repo="yurelle/FBI_Active_Shooter_Incidents",
    commit="6ecf90e2fd0a5f4290330018cf7ac0c9da5cef05",
    branch="main",
    files=(
        SourceFile("2000-2018", f"{_DIR}2000-2018.xlsx",
                   "2306a6464edb54d16b9cd28cec99b5e580f304d2f4acf420cf1c8e5cfa9e6a4b", 54534),
        SourceFile("2000-2019-additional", f"{_DIR}2000-2019_AdditionalIncidents.xlsx",
                   "72d295eed58e24f0a841fd2b03bc5a6bca4cedffb55c7a85c7b07f6632585fe8", 23979),
        SourceFile("2019", f"{_DIR}2019.xlsx",
                   "6ef67e9127a99859ad0036b8b410c0f53807a967f070b3f022bd973c91fefc8e", 18140),
        SourceFile("2020", f"{_DIR}2020.xlsx",
                   "1ab30c1b33392167c753681117136c7bebc7d2df2b84774ec0071737e9f73821", 24767),
        SourceFile("2021", f"{_DIR}2021.xlsx",
                   "0509417eb6d5335586eb0ede1267bda21fb0c0e738e628a9399da05170e4ba20", 30777),
        SourceFile("2022", f"{_DIR}2022.xlsx",
                   "b8dc1e9ade606f1c49094095e7b909f21b4a8db12a1581af97d0ad061fadd5c3", 29388),
        SourceFile("2023", f"{_DIR}2023.xlsx",
                   "ac741d07861c04f5fedde20afee89d8af334339eb149e979ca8936fe0a3d4218", 27435),
    ),
    definition="Active shooter incident (FBI): one or more individuals actively engaged in "
    "killing or attempting to kill people in a populated area, with a firearm. No minimum "
    "casualty count; gang, drug and domestic-only shootings are excluded.",
    expected_records=(532, 532),
    first_date=date(2000, 1, 1),
    last_date=date(2023, 12, 31),
    notes="Summing the tabulated files gives 2,407 wounded for 2000-2023; the FBI 2023 "
    "report states 2,406. The warehouse reports what the files say.",
    tags=("active_shooter", "firearm"),
)

FIELDS = {
    "Incident Name": "name_raw", "Date": "date_raw", "Time": "time_raw",
    "State": "state_raw", "Location": "location_raw", "Shooter Name": "shooter_name_raw",
    "Shooter Gender": "gender_raw", "Shooter Age": "age_raw", "Rifle": "rifle_raw",
    "Shotgun": "shotgun_raw", "Handgun": "handgun_raw", "Deaths": "deaths_raw",
    "Wounded": "wounded_raw", "Terminating Event": "terminating_event",
    "Shooter's Fate": "shooter_fate", "Surrendered (during the incident)": "surrendered_raw",
    "News Article to Verify Ambiguity": "verify_raw",
}
MAX_ATTACKERS = 3
LINKS_FROM = "News Article to Verify Ambiguity"
"""First of the columns that hold the tabulator's verification links."""


def _read(key: str, path: Path):
    import polars as pl

    from pipelines.normalize.parsing import read_xlsx_table

    table = read_xlsx_table(path, "Incident Name", "fbi")
    missing = [c for c in FIELDS if c not in table.columns]
    if missing:
        raise ValueError(f"fbi: {path.name}: missing columns {missing}")
    # The verification column and the unnamed ones after it hold web addresses (several
    # to a cell at times) and a few quoted excerpts; the addresses are kept, the
    # excerpts stay in the raw file.
    after = table.columns[table.columns.index(LINKS_FROM):]
    links = pl.concat_list(
        pl.col(c).cast(pl.String).str.extract_all(r"https?://\S+")
        .fill_null(pl.lit([], pl.List(pl.String))) for c in after
    )
    return table.select(
        pl.lit(path.name).alias("source_file"),
        pl.lit(key).alias("file_key"),
        pl.col("_row").cast(pl.Int32).alias("source_row"),
        *(pl.col(src).cast(pl.String).alias(dst) for src, dst in FIELDS.items()),
        links.alias("source_links"),
    )


PLACE_WORDS = Path(__file__).with_name("fbi_place_words.csv")
"""Words that mark a part of an incident name as a venue, not a place (role ``venue``:
"Multiple Locations", "Interstate 85"), or that trail a place name (role ``suffix``:
"Copley Township Neighborhood")."""


def _state_alternation() -> str:
    """Regex alternation of every state and territory name and USPS code, longest
    first ("West Virginia" before "Virginia")."""
    import re

    from pipelines.normalize.states import STATE_CODES

    return "|".join(sorted([re.escape(n) for n in STATE_CODES] + list(STATE_CODES.values()),
                           key=len, reverse=True))


def places_from_name(names: pl.Series) -> pl.DataFrame:
    """The city and county an FBI incident name states, one row per name, in order.

    The FBI writes the place into the name from its 2021 report on ("Oxford High
    School, Oxford, MI"; "Multiple Locations, Lubbock and Slaton, Texas"), and in
    some earlier names ("Residence in Crandon, Wisconsin"). The name is cut at its
    commas and semicolons; a part followed by a part that is a state (name or code,
    "D.C.", "AL/GA", or "Texas and Jacksonville") names the place, after its last
    " in ", " near ", " at " or " of " ("Multiple Locations in Kalamazoo"). A place
    led by "and" closes a list ("in Ladera Ranch, Tustin, and Santa Ana, California"),
    so the parts before it in the same run are places too. A place ending in County,
    Counties or Parish is a county. Parts holding a venue word (``PLACE_WORDS``) or a
    digit, or not starting with a capital, are not places. Several places are joined
    with "; ". Names that state no place ("Santana High School", "North Milwaukee
    Avenue, Chicago" without a state) give NULL: nothing is guessed.
    """
    import polars as pl

    words = pl.read_csv(PLACE_WORDS)
    venue = "|".join(words.filter(pl.col("role") == "venue")["word"].to_list())
    suffix = "|".join(words.filter(pl.col("role") == "suffix")["word"].to_list())
    states = _state_alternation()
    seg = pl.col("seg")
    frame = (
        pl.DataFrame({"name": names}).with_row_index("row")
        .with_columns(pl.col("name").str.replace_all(";", ",").str.split(",").alias("seg"))
        .explode("seg")
        .with_columns(seg.str.strip_chars())
        .with_columns(
            seg.str.contains(rf"^(?:D\.C\.|(?:{states})(?:$|\s*/|\s+and\s))")
            .fill_null(False).alias("state_led"),
            seg.str.contains(rf"^(?:{states})$").fill_null(False).alias("state_only"),
        )
        # "Washington, D.C." and "New York, New York": a state name followed by a
        # state is the city.
        .with_columns(
            pl.col("state_led") & ~(pl.col("state_only") & pl.col("state_led")
                                    .shift(-1).over("row").fill_null(False))
            .alias("state_led"),
        )
        .with_columns(
            pl.col("state_led").shift(-1).over("row").fill_null(False).alias("place"),
            pl.col("state_led").cum_sum().over("row").alias("run"),
        )
        .with_columns(
            (pl.col("place") & seg.str.starts_with("and "))
            .any().over("row", "run").alias("list_run"),
        )
        .filter(pl.col("place") | (pl.col("list_run") & ~pl.col("state_led")))
        .with_columns(
            seg.str.replace(rf"^(?:{states})\s+and\s+", "")
            .str.replace(r"^and\s+", "")
            .str.replace(r"^.*\b(?:in|near|at|of)\s+", "")
            .str.replace_all(r"\s*\([^)]*\)", "")
            .str.replace(rf"(?i)\s+(?:{suffix})$", "")
            .str.strip_chars().alias("core"),
        )
        .with_columns(pl.col("core").str.contains(r"\b(?:County|Counties|Parish)$")
                      .alias("is_county"))
        .with_columns(
            pl.when(~pl.col("is_county")).then(
                pl.col("core").str.replace_all(r"\s+and\s+|\s*&\s*|/", "|").str.split("|")
            ).alias("part"),
        )
        .explode("part")
        .with_columns(pl.col("part").str.strip_chars())
        .with_columns(
            pl.when(pl.col("part").str.contains(r"^[A-Z]")
                    & ~pl.col("part").str.contains(rf"(?i)\b(?:{venue})\b|\d"))
            .then(pl.col("part")).alias("part"),
        )
    )
    found = frame.group_by("row", maintain_order=True).agg(
        pl.col("part").drop_nulls().unique(maintain_order=True).alias("cities"),
        pl.col("core").filter(pl.col("is_county")).unique(maintain_order=True)
        .alias("counties"),
    )
    return (
        pl.DataFrame({"name": names}).with_row_index("row")
        .join(found, on="row", how="left")
        .select(
            pl.when(pl.col("cities").list.len() > 0)
            .then(pl.col("cities").list.join("; ")).alias("city"),
            pl.when(pl.col("counties").list.len() > 0)
            .then(pl.col("counties").list.join("; ")).alias("county"),
        )
    )


def parse(files: dict[str, Path]) -> Parsed:
    import polars as pl

    from pipelines.normalize.parsing import clean_text, rejects_for, state_code, to_int
    from pipelines.sources.wapo import unique_record_ids

    raw = pl.concat([_read(key, files[key]) for key in sorted(files)])
    date_ = clean_text("date_raw").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    time_ = clean_text("time_raw").str.slice(-8).str.to_time("%H:%M:%S", strict=False)
    # A remark in brackets after the names is no shooter: "[...] & [...] (Husband & Wife)"
    # lists two shooters, not three.
    names = clean_text("shooter_name_raw").str.replace_all(r"\s*\([^)]*\)", "")
    parts = {c: (names if c == "shooter_name_raw" else clean_text(c)).str.split(" & ")
             for c in ("shooter_name_raw", "gender_raw", "age_raw", "shooter_fate")}
    staged = raw.with_columns(
        clean_text("name_raw").alias("incident_name"),
        date_.alias("incident_date"),
        time_.alias("start_time"),
        state_code("state_raw").alias("state"),
        pl.col("state_raw").str.contains("&").fill_null(False).alias("multi_state"),
        to_int("deaths_raw").alias("killed"),
        to_int("wounded_raw").alias("injured"),
        to_int("rifle_raw").alias("rifles"),
        to_int("shotgun_raw").alias("shotguns"),
        to_int("handgun_raw").alias("handguns"),
        pl.max_horizontal(e.list.len() for e in parts.values()).alias("attackers"),
        *(e.alias(f"{c}_list") for c, e in parts.items()),
    ).with_columns(
        pl.coalesce(
            pl.concat_str(
                pl.coalesce(pl.col("incident_date").cast(pl.String), clean_text("date_raw")),
                pl.lit(" "), pl.col("incident_name"),
            ),
            pl.format("{} row {}", pl.col("file_key"), pl.col("source_row")),
        ).alias("source_record_id"),
    )
    staged = unique_record_ids(staged)
    staged = staged.hstack(
        places_from_name(staged["incident_name"]).rename({"city": "name_city",
                                                          "county": "name_county"}))
    attackers = (
        staged.select(
            "source_record_id",
            pl.int_ranges(1, pl.col("attackers").fill_null(1) + 1).alias("attacker_no"),
            "gender_raw_list", "age_raw_list", "shooter_fate_list",
        )
        .explode("attacker_no")
        .select(
            "source_record_id",
            "attacker_no",
            *(
                pl.col(f"{c}_list").list.get(pl.col("attacker_no") - 1, null_on_oob=True)
                .str.strip_chars().alias(c)
                for c in ("gender_raw", "age_raw", "shooter_fate")
            ),
        )
        .with_columns(to_int("age_raw").alias("age"))
    )
    rejects = rejects_for(
        staged,
        "fbi",
        {
            "Date": ("date_raw", "incident_date", "not a date"),
            "Time": ("time_raw", "start_time", "not a time of day"),
            "State": ("state_raw", "state", "not a US state or territory"),
            "Deaths": ("deaths_raw", "killed", "not a whole number"),
            "Wounded": ("wounded_raw", "injured", "not a whole number"),
        },
    )
    list_cols = [c for c in staged.columns if c.endswith("_list")]
    return Parsed(frames={"fbi": staged.drop(list_cols), "fbi_attackers": attackers},
                  rejects=rejects)
