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
    block = re.search(r"### Five questions.*?```sql\n(.*?)```", readme, re.S).group(1)
    statements = [s for s in block.split(";") if s.strip()]
    assert len(statements) == 5
    for statement in statements:
        assert warehouse.execute(statement).fetchall(), statement


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
