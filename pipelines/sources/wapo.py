"""The Washington Post school shootings database (since Columbine)."""

from __future__ import annotations

from datetime import date

from pipelines.registry import Source, SourceFile

SOURCE = Source(
    slug="wapo",
    title="School shootings since Columbine",
    publisher="The Washington Post",
    licence="CC BY-NC-SA 4.0 (non-commercial, share-alike)",
    attribution="The Washington Post, school shootings database "
    "(github.com/washingtonpost/data-school-shootings), CC BY-NC-SA 4.0",
    homepage="https://www.washingtonpost.com/graphics/local/school-shootings-database/",
    repo="washingtonpost/data-school-shootings",
    commit="7a6dda94b072d451efe8ad18db89e7249609272f",
    branch="master",
    files=(
        SourceFile("data", "school-shootings-data.csv",
                   "4048ca28dca9dc389552b1a4065447a65689e655e32379b9f1179d4b12f944a2", 121246),
        SourceFile("record_layout", "record_layout.csv",
                   "1aa71ea76871a327350d22576fb7b9484b6dd1a33cf1c60c49e4c7e3e8f76542", 5771,
                   optional=True),
    ),
    definition="School shootings: gunfire on the grounds of a K-12 school immediately "
    "before, during or just after classes, since Columbine (1999-04-20); excludes "
    "after-hours events, accidental discharges that hurt no one, and private suicides.",
    expected_records=(428, 600),
    first_date=date(1999, 4, 20),
    tags=("school", "firearm"),
)
