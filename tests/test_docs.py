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
