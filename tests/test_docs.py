"""Generated docs are committed and current."""

from pipelines.docs import (
    DICTIONARY,
    LICENSES,
    data_dictionary,
    licences,
    metric_comments,
    metrics_dictionary,
)


def test_data_dictionary_is_up_to_date() -> None:
    expected = data_dictionary() + "\n" + metrics_dictionary()
    assert DICTIONARY.read_text(encoding="utf-8") == expected, (
        "run `.venv/bin/incidents docs` and commit docs/data-dictionary.md"
    )


def test_licences_are_up_to_date() -> None:
    assert LICENSES.read_text(encoding="utf-8") == licences(), (
        "run `.venv/bin/incidents docs` and commit data/raw/LICENSES.md"
    )


def test_readme_example_queries_run(warehouse) -> None:
    import re

    from pipelines.paths import REPO_ROOT

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"### Eight questions.*?```sql\n(.*?)```", readme, re.S).group(1)
    statements = [s for s in block.split(";") if s.strip()]
    assert len(statements) == 8
    for statement in statements:
        assert warehouse.execute(statement).fetchall(), statement


def readme_statements() -> list[str]:
    """The SQL statements of the README's researcher questions, in order."""
    import re

    from pipelines.paths import REPO_ROOT

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"### Eight questions.*?```sql\n(.*?)```", readme, re.S).group(1)
    return [s for s in block.split(";") if s.strip()]


def test_readme_prevention_answers_agree_with_the_metrics(warehouse) -> None:
    """Questions 6-8 give the published metric figures: shares over the known values
    (n_known), weapons counted per record, the WaPo SRO groups covering all 428 records."""
    students = warehouse.execute(readme_statements()[5]).fetchall()
    assert [r[0] for r in students] == ["k12ssdb", "wapo"]
    for source, n, n_known, k, share in students:
        assert 0 < share < 1 and n_known < n and share == k / n_known
        assert (n, n_known, k) == warehouse.execute(
            "SELECT n, n_known, count FROM metric_attacker_profile WHERE source = ? "
            "AND attribute = 'relationship' AND category = 'student'", [source]).fetchone()
    assert students[0][1:4] == (2291, 1816, 933)  # K-12 SSDB: 51% of known, not 41% of all
    obtained = {(r[0], r[1]): r[2:4] for r in
                warehouse.execute(readme_statements()[6]).fetchall()}
    metric = {(r[0], r[1]): r[2:4] for r in warehouse.execute(
        "SELECT source, obtained, count, n_known FROM metric_weapons_obtained").fetchall()}
    assert obtained == metric
    assert obtained[("wapo", "family_or_home")] == (50, 100)
    sro = warehouse.execute(readme_statements()[7]).fetchall()
    assert [r[:4] for r in sro] == [("not stated", 324, 32, 30), ("true", 104, 12, 10)]


def test_every_metric_column_is_documented(warehouse) -> None:
    documented = {(t, c) for t, (_, cols) in metric_comments().items() for c, _ in cols}
    actual = set(warehouse.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE table_name LIKE 'metric_%' OR table_name IN ('incidents', 'incident_links', "
        "'discrepancies')").fetchall())
    assert actual == documented


def test_dictionary_states_every_outcome_invariant() -> None:
    """The rules the outcome_invariants check enforces are what readers are told."""
    from pipelines.normalize.contract import OUTCOME_INVARIANTS

    text = DICTIONARY.read_text(encoding="utf-8")
    assert "### How the outcome fields fit together" in text
    for rule in OUTCOME_INVARIANTS:
        assert f"| `{rule.name}` | `{rule.predicate}` |" in text, rule.name
