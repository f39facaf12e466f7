"""Generated docs are committed and current."""

from pipelines.docs import DICTIONARY, LICENSES, data_dictionary, licences


def test_data_dictionary_is_up_to_date() -> None:
    assert DICTIONARY.read_text(encoding="utf-8") == data_dictionary(), (
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
