"""K-12 School Shooting Database (CHDS / Riedman), 2022 release."""

from __future__ import annotations

from datetime import date

from pipelines.registry import Source, SourceFile

SOURCE = Source(
    slug="k12ssdb",
    title="K-12 School Shooting Database (2022 release)",
    publisher="Center for Homeland Defense and Security (David Riedman, Desmond O'Neill)",
    licence="Public resource, any use; citation requested",
    attribution="Riedman, David and Desmond O'Neill (2020). K-12 School Shooting Database. "
    "Center for Homeland Defense and Security, www.chds.us/ssdb",
    homepage="https://k12ssdb.org",
    repo="snirlugassy/school_shooting_contagion",
    commit="42a8b555f40ceb33ef97ca62ccbce9ef8c127caf",
    branch="main",
    files=(
        SourceFile("workbook", "SSDB_Raw_Data.xlsx",
                   "e8610dfdd5edd1f4343985e9336633e628c78e6deee71c7fa8192c08447efd7e", 1032221),
    ),
    definition="Any incident in which a gun is brandished or fired, or a bullet hits "
    "school property, at a K-12 school, regardless of the number of victims, time of "
    "day or day of week.",
    expected_records=(2067, 3500),
    first_date=date(1970, 1, 1),
    tags=("school", "firearm"),
)
