"""Vocabulary tables kept as data beside the code, loaded for the sources' SQL.

Each ``vocab/<vocabulary>.csv`` (source, raw_value, harmonized, note) maps one
source's raw values of a descriptive field (race, relationship, how a weapon was
obtained, ...) onto the contract's vocabulary of that name
(``contract.VOCABULARIES``). Rows are per source, because the same word can mean
different things in two lists. A raw value matches its row trimmed,
case-insensitively and with whitespace runs folded (``raw_key``). The tables reach
SQL as one frame ``_vocab`` and the macro
``vocab(vocabulary, source, raw)`` (sql/normalize/fields.sql). A raw value with no
row stays unmapped (harmonized NULL) and is counted by ``unmapped``; nothing is
turned into 'unknown' unless a reviewed row says so.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

VOCAB_DIR = Path(__file__).with_name("vocab")

FIELDS: tuple[tuple[str, str, str], ...] = (
    ("source_records", "targeting_raw", "targeting"),
    ("source_records", "armed_security_present_raw", "yes_no"),
    ("source_records", "during_school_hours_raw", "yes_no"),
    ("source_records", "hostages_raw", "yes_no"),
    ("source_records", "barricade_raw", "yes_no"),
    ("source_records", "accomplice_raw", "yes_no"),
    ("source_records", "mobile_raw", "yes_no"),
    ("source_records", "situation_raw", "situation"),
    ("source_records", "bullied_raw", "yes_no"),
    ("source_records", "domestic_violence_raw", "yes_no"),
    ("source_records", "gang_related_raw", "yes_no"),
    ("source_records", "school_level_raw", "school_level"),
    ("source_records", "school_locale_raw", "locale"),
    ("source_records", "fbi_active_shooter_raw", "yes_no"),
    ("source_records", "officer_involved_raw", "yes_no"),
    ("attackers", "race_raw", "race"),
    ("attackers", "relationship_raw", "relationship"),
    ("attackers", "mental_illness_raw", "yes_no"),
    ("attackers", "military_experience_raw", "yes_no"),
    ("attackers", "planned_raw", "yes_no"),
    ("attackers", "criminal_history_raw", "criminal_history"),
    ("weapons", "assault_weapon_raw", "yes_no"),
    ("weapons", "obtained_raw", "weapon_source"),
    ("victims", "relationship_raw", "relationship"),
    ("victims", "race_raw", "race"),
)
"""(table, raw column, vocabulary): every harmonized field fed by a vocabulary table, so
``unmapped`` can list the raw values of a source that no row of its table maps."""


def raw_key(raw: pl.Expr) -> pl.Expr:
    """The key a raw value matches its row on, as the SQL macro ``vocab_key`` makes it:
    runs of spaces, tabs and line breaks made one space, trimmed, lower case."""
    return (raw.str.replace_all(r"[ \t\r\n]+", " ").str.strip_chars(" ")
            .str.to_lowercase())


@cache  # read once per process: every source's normalize and report uses it
def vocab_tables(directory: Path = VOCAB_DIR) -> pl.DataFrame:
    """Every vocabulary table as one frame: vocabulary, source, raw_value, raw_key,
    harmonized, note.

    Raises ValueError naming the file and row for a harmonized value outside the
    contract's vocabulary or a raw value mapped twice for one source, so a bad edit
    fails the build instead of mapping silently.
    """
    import polars as pl

    from pipelines.normalize.contract import VOCABULARIES

    frames = []
    for path in sorted(directory.glob("*.csv")):
        name = path.stem
        if name not in VOCABULARIES:
            raise ValueError(f"{path.name}: no vocabulary {name!r} in the contract")
        table = pl.read_csv(path, infer_schema_length=0).with_row_index("row", offset=2)
        missing = {"source", "raw_value", "harmonized", "note"} - set(table.columns)
        if missing:
            raise ValueError(f"{path.name}: missing columns {sorted(missing)}")
        for row, value in table.select("row", "harmonized").iter_rows():
            if value not in VOCABULARIES[name]:
                raise ValueError(f"{path.name}: line {row}: {value!r} is not one of "
                                 f"{list(VOCABULARIES[name])}")
        table = table.with_columns(
            pl.lit(name).alias("vocabulary"),
            raw_key(pl.col("raw_value").fill_null("")).alias("raw_key"),
        )
        dupes = table.filter(pl.struct("source", "raw_key").is_duplicated())
        if dupes.height:
            raise ValueError(f"{path.name}: raw values mapped twice: "
                             f"{dupes.select('source', 'raw_value').rows()[:5]}")
        frames.append(table.select("vocabulary", "source", "raw_value", "raw_key",
                                   "harmonized", "note"))
    schema = {c: pl.String for c in ("vocabulary", "source", "raw_value", "raw_key",
                                     "harmonized", "note")}
    return pl.concat(frames) if frames else pl.DataFrame(schema=schema)


def unmapped(tables: dict[str, pl.DataFrame], source: str,
             vocab: pl.DataFrame | None = None) -> pl.DataFrame:
    """Raw values in one source's normalized tables that no row of the vocabulary table
    maps for that source: table, field, vocabulary, raw value and how many rows carry
    it; empty when every published value maps. This is the count the rules ask for:
    an unmapped value is reported here, never silently made 'unknown'."""
    import polars as pl

    vocab = vocab_tables() if vocab is None else vocab
    keys = vocab.lazy().filter(pl.col("source") == source).select("vocabulary", "raw_key")
    # Every field's raw values stacked into one lazy query, counted and matched once:
    # a filter, count and join per field cost more in Polars' per-call overhead than
    # in work (20 fields, ten sources, every build).
    parts = []
    for table, raw, vocabulary in FIELDS:
        frame = tables.get(table)
        if frame is None or raw not in frame.columns:
            continue
        parts.append(
            frame.lazy().select(pl.lit(table).alias("table"), pl.lit(raw).alias("field"),
                                pl.lit(vocabulary).alias("vocabulary"),
                                pl.col(raw).cast(pl.String).alias("raw_value"))
            .filter(pl.col("raw_value").is_not_null())
        )
    schema = {"source": pl.String, "table": pl.String, "field": pl.String,
              "vocabulary": pl.String, "raw_value": pl.String, "rows": pl.Int64}
    if not parts:
        return pl.DataFrame(schema=schema)
    return (
        pl.concat(parts)
        .group_by("table", "field", "vocabulary", "raw_value").len("rows")
        .with_columns(raw_key(pl.col("raw_value")).alias("raw_key"))
        .join(keys, on=["vocabulary", "raw_key"], how="anti")
        .select(pl.lit(source).alias("source"), "table", "field", "vocabulary", "raw_value",
                pl.col("rows").cast(pl.Int64))
        .sort("table", "field", "raw_value")
        .collect()
    )
