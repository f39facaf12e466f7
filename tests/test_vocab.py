"""Vocabulary tables (pipelines/normalize/vocab/*.csv): every raw value of the shipped
data is either mapped by a reviewed row or reported, and a bad edit fails loudly."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.normalize.contract import VOCABULARIES
from pipelines.normalize.vocab import unmapped, vocab_tables
from tests.conftest import normalize_shipped

UNMAPPED = {
    # WaPo's record layout lists only a, ai, b, h, w: m and n are undocumented codes
    "wapo": {("attackers", "race_raw", "m", 2), ("attackers", "race_raw", "n", 1)},
    "k12ssdb": set(),
    "mother_jones": set(),
    "stanford_msa": set(),
    "ap_usat_nu": set(),
    "alerrt": set(),
}


@pytest.mark.parametrize("slug", sorted(UNMAPPED))
def test_every_raw_value_maps_or_is_reported(slug) -> None:
    report = unmapped(normalize_shipped(slug), slug)
    assert set(report.select("table", "field", "raw_value", "rows").rows()) == UNMAPPED[slug]


def test_tables_use_the_contract_vocabularies() -> None:
    table = vocab_tables()
    assert set(table["vocabulary"].unique()) <= set(VOCABULARIES)
    for name, values in VOCABULARIES.items():
        assert set(table.filter(pl.col("vocabulary") == name)["harmonized"]) <= set(values)
    # a raw value matches trimmed and case-insensitively
    row = table.filter((pl.col("source") == "wapo") & (pl.col("raw_value") == "Hispanic"))
    assert row["raw_key"].to_list() == ["hispanic"]


def _table(tmp_path: Path, name: str, body: str) -> Path:
    """A directory holding one vocabulary file ``name``.csv with the given rows."""
    directory = tmp_path / f"{name}-{abs(hash(body))}"
    directory.mkdir()
    (directory / f"{name}.csv").write_text("source,raw_value,harmonized,note\n" + body)
    return directory


def test_bad_value_or_double_mapping_fails(tmp_path) -> None:
    with pytest.raises(ValueError, match="line 2: 'caucasian' is not one of"):
        vocab_tables(_table(tmp_path, "race", "wapo,w,caucasian,\n"))
    with pytest.raises(ValueError, match="mapped twice"):
        vocab_tables(_table(tmp_path, "race", "wapo,w,white,\nwapo, W ,black,\n"))
    with pytest.raises(ValueError, match="no vocabulary 'colour'"):
        vocab_tables(_table(tmp_path, "colour", "wapo,w,white,\n"))


def test_unmapped_counts_values_without_a_row() -> None:
    tables = {"attackers": pl.DataFrame({"race_raw": ["w", "W ", "q", "q", None],
                                         "race": ["white", "white", None, None, None]})}
    vocab = pl.DataFrame({"vocabulary": ["race"], "source": ["wapo"], "raw_value": ["w"],
                          "raw_key": ["w"], "harmonized": ["white"], "note": [""]})
    report = unmapped(tables, "wapo", vocab)
    assert report.select("raw_value", "rows").rows() == [("q", 2)]


def test_sql_and_python_keys_agree() -> None:
    import duckdb

    from pipelines.normalize.vocab import raw_key
    from pipelines.paths import read_sql

    values = ["\nYes", "Yes ", "Family/General public \n", "Place of business/employment\n"
              "Place of residency", "a\tb", "Colleague/Workmate/Business acquaintance        "]
    con = duckdb.connect()
    con.register("_vocab", vocab_tables())
    con.execute(read_sql("normalize/fields.sql"))
    sql = [con.execute("SELECT vocab_key(?)", [v]).fetchone()[0] for v in values]
    assert sql == pl.Series(values).to_frame("v").select(raw_key(pl.col("v")))["v"].to_list()
    assert sql[0] == "yes" and sql[3] == "place of business/employment place of residency"


def test_build_metadata_reports_unmapped_values() -> None:
    from pipelines.normalize.assets import vocabulary_report

    report = vocabulary_report(normalize_shipped("wapo"), "wapo")
    assert report == {"unmapped_vocabulary_values": 2,
                      "unmapped_vocabulary_examples": "attackers.race_raw: 'm' (2); "
                                                      "attackers.race_raw: 'n' (1)"}
