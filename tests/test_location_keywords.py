"""The location keyword table (pipelines/normalize/location_keywords.csv) and the
macro every source's SQL calls: the named examples, and that every row matches a real
place name of the shipped files (so no row is dead weight or a typo)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.normalize.keywords import location_keyword_macro, location_keywords
from pipelines.paths import read_sql
from tests.conftest import shipped_snapshots


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    con.execute(location_keyword_macro())
    con.execute(read_sql("normalize/location_keywords.sql"))
    yield con
    con.close()


@pytest.fixture(scope="module")
def real_names() -> pl.Series:
    """Every Mother Jones case name and The Trace business name in the shipped files."""
    mj = pl.read_csv(shipped_snapshots("mother_jones")["data"].path, infer_schema_length=0)
    trace = pl.read_csv(shipped_snapshots("gva_trace")["data"].path, infer_schema_length=0)
    names = pl.concat([mj["case"], trace["business_location_name"]])
    return names.filter(names != "N/A").unique().sort()


def keyword(con, text: str | None) -> tuple[str, str] | None:
    hit = con.execute("SELECT location_keyword(?)", [text]).fetchone()[0]
    return None if hit is None else (hit["location_type"], hit["keyword"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Robb Elementary School", ("education", "elementary school")),
        ("First Baptist Church", ("house_of_worship", "church")),
        ("Palace Lounge", ("commerce", "lounge")),
        ("Virginia Beach municipal building shooting", ("government", "municipal")),
        ("Mercy Hospital shooting", ("health_care", "hospital")),
        ("San Jose VTA shooting", ("government", "vta")),
        # first row wins: an apartment complex named after a temple is a home
        ("Flipper Temple Apartments", ("residence", "apartments")),
        # a business on Park Street is a business; Park Avenue alone is no park
        ("Park Street Cantina", ("commerce", "cantina")),
        ("NYC Park Avenue shooting", None),
        ("Red's Park-Inn", ("commerce", "inn")),
        ("Xerox killings", None),
        ("", None),
        (None, None),
    ],
)
def test_named_examples(con, text, expected) -> None:
    assert keyword(con, text) == expected


def test_derivation_entry(con) -> None:
    assert con.execute(
        "SELECT location_derivation('business_location_name', 'Robb Elementary School')"
    ).fetchone()[0] == ('location_type: derived from business_location_name '
                        '"Robb Elementary School" (keyword "elementary school")')
    assert con.execute("SELECT location_derivation('case', 'Xerox killings')"
                       ).fetchone()[0] is None


def test_every_row_matches_a_real_place_name(real_names) -> None:
    table = location_keywords()
    assert table.height >= 15
    dead = [
        (rank, pattern) for rank, pattern in table.select("rank", "pattern").iter_rows()
        if not real_names.str.contains(f"(?i){pattern}").any()
    ]
    assert dead == []


def test_every_type_is_in_the_contract_vocabulary() -> None:
    from pipelines.normalize.contract import LOCATION_TYPES

    kinds = set(location_keywords()["location_type"]) - {""}
    assert kinds <= set(LOCATION_TYPES)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("\\bschool\\b,schools,typo in the type", "row 1: location_type 'schools'"),
        ("\\b(school,education,unbalanced parenthesis", "row 1: bad pattern"),
    ],
)
def test_a_bad_edit_fails_loudly(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "location_keywords.csv"
    path.write_text("pattern,location_type,comment\n" + row + "\n")
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        location_keywords(path)
