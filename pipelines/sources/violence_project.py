"""The Violence Project Mass Shooter Database: a file the user supplies.

It is the one public source with per-incident start-to-end minutes, but its
terms forbid redistribution and it sits behind a request form, so it is never
shipped and never downloaded: set ``INCIDENTS_VIOLENCE_PROJECT_CSV`` to the path
of your CSV export and refresh. Without it the source is simply absent.

Quirks of the CSV export handled here: the header's first cell is empty (the
case number), a second line is a group sub-header (not data), and one header
has an embedded newline ("Start to End Time\\n(in Minutes)"). A repeated case
number keeps both rows (the 2nd gets "#2", both flagged ``duplicate_id_in_source``).

Attackers among the dead: The Violence Project counts victims ("Number Killed",
"Total Injured") and codes the shooter's fate separately; killed_raw / injured_raw
are those columns as written. Not checked against the data (the file is not shipped).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipelines.normalize.runner import Parsed
from pipelines.registry import Source, SourceFile

ENV = "INCIDENTS_VIOLENCE_PROJECT_CSV"

SOURCE = Source(
    slug="violence_project",
    title="Mass Shooter Database (user-supplied)",
    publisher="The Violence Project",
    licence="Not redistributable: obtained by request from The Violence Project; "
    "never shipped with or downloaded by this project",
    attribution="The Violence Project Mass Shooter Database (theviolenceproject.org)",
    homepage="https://www.theviolenceproject.org/mass-shooter-database/",
    repo="",
    commit="",
    branch="",
    files=(SourceFile("data", "violence_project.csv", "", 0),),
    definition="Mass public shootings: 4+ killed (not counting the shooter) in a public "
    "place, not tied to gang, drug or other underlying criminal activity, since 1966.",
    expected_records=(0, 2000),
    first_date=date(1966, 1, 1),
    user_supplied_env=ENV,
    tags=("mass_shooting", "firearm"),
)

COLUMNS = {
    "case_no": "case_no", "Full Date": "date_raw", "City": "city", "State": "state_raw",
    "Number Killed": "killed_raw", "Total Injured": "injured_raw",
    "Start Time": "start_raw", "End Time": "end_raw",
    "Start to End Time (in Minutes)": "duration_raw",
    "On-Scene Outcome": "outcome_raw", "Who Killed Shooter On Scene": "killer_raw",
}  # fmt: skip
TIME_FORMATS = ("%I:%M %p", "%I:%M%p", "%H:%M", "%H:%M:%S")


def _header_names(cells: tuple) -> list[str]:
    """Header cells with whitespace (and embedded newlines) folded; blank -> case_no."""
    names = []
    for i, cell in enumerate(cells):
        name = " ".join(str(cell).split()) if cell is not None else ""
        names.append(name or ("case_no" if i == 0 else f"_blank_{i}"))
    return names


def read_export(path: Path):
    """The export's data rows under their real names, sub-header lines removed."""
    import polars as pl

    from pipelines.normalize.parsing import read_csv_text, to_int

    grid = read_csv_text(path, "violence_project", has_header=False)
    header_at = next(
        (i for i, row in enumerate(grid.head(5).iter_rows()) if "Full Date" in row), None
    )
    if header_at is None:
        raise ValueError(f"violence_project: {path.name}: no header row with 'Full Date'")
    names = _header_names(grid.row(header_at))
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise ValueError(f"violence_project: {path.name}: missing columns {missing}")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"violence_project: {path.name}: header names {repeated} "
                         "more than once")
    body = grid.slice(header_at + 1).rename(dict(zip(grid.columns, names, strict=True)))
    body = body.with_row_index("source_row", offset=1)
    # Group sub-header lines (labels only) sit between the header and the first data
    # row: the first row with a date in `Full Date` or a whole number as its case
    # number or a count. (Looking for a date alone would drop a first data row whose
    # date is damaged, and keep the sub-header of a file whose dates are.)
    is_data = pl.any_horizontal(
        pl.col("Full Date").str.strip_chars().str.contains(r"^\d{1,2}/\d{1,2}/\d{4}$"),
        *(to_int(c).is_not_null() for c in ("case_no", "Number Killed", "Total Injured")),
    ).fill_null(False)
    first_data = body.filter(is_data)["source_row"].min() or 1
    return body.filter(pl.col("source_row") >= first_data).select(
        "source_row", *(pl.col(src).alias(dst) for src, dst in COLUMNS.items())
    )


def _time(col: str):
    import polars as pl

    from pipelines.normalize.parsing import clean_text

    text = clean_text(col).str.to_uppercase()
    return pl.coalesce(*(text.str.to_time(f, strict=False) for f in TIME_FORMATS))


def _code(col: str):
    """A code of the 0-4 scheme; any other value is NULL (and so a reject), never
    read as some code's meaning or silently as unknown."""
    import polars as pl

    from pipelines.normalize.parsing import to_int

    return pl.when(to_int(col).is_between(0, 4)).then(to_int(col))


def parse(files: dict[str, Path]) -> Parsed:
    import polars as pl

    from pipelines.normalize.parsing import (
        clean_text,
        rejects_for,
        state_code,
        to_float,
        to_int,
        unique_ids,
    )

    path = files["data"]
    raw = read_export(path)
    staged = raw.with_columns(
        pl.lit(path.name).alias("source_file"),
        pl.col("source_row").cast(pl.Int32),
        clean_text("date_raw").str.to_date("%m/%d/%Y", strict=False).alias("incident_date"),
        state_code("state_raw").alias("state"),
        to_int("killed_raw").alias("killed"),
        to_int("injured_raw").alias("injured"),
        _time("start_raw").alias("start_time"),
        pl.when(to_float("duration_raw") >= 0).then(to_float("duration_raw"))
        .alias("duration_min"),
        _code("outcome_raw").alias("outcome_code"),
        _code("killer_raw").alias("killer_code"),
    )
    record_id, duplicated = unique_ids(
        pl.coalesce(
            clean_text("case_no"),
            pl.concat_str(pl.col("incident_date").cast(pl.String), pl.lit(" "),
                          clean_text("city")),
        ),
        pl.col("source_row"),
    )
    staged = staged.with_columns(record_id.alias("source_record_id"),
                                 duplicated.alias("duplicate_id"))
    rejects = rejects_for(
        staged,
        "violence_project",
        {
            "Full Date": ("date_raw", "incident_date", "not a M/D/YYYY date"),
            "State": ("state_raw", "state", "not a US state or territory"),
            "Number Killed": ("killed_raw", "killed", "not a whole number"),
            "Total Injured": ("injured_raw", "injured", "not a whole number"),
            "Start Time": ("start_raw", "start_time", "not a time of day"),
            "Start to End Time (in Minutes)": ("duration_raw", "duration_min",
                                               "not a number of minutes"),
            "On-Scene Outcome": ("outcome_raw", "outcome_code", "not a code 0-4"),
            "Who Killed Shooter On Scene": ("killer_raw", "killer_code", "not a code 0-4"),
        },
    )
    return Parsed(frames={"violence_project": staged}, rejects=rejects)
