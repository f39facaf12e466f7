"""Stanford Mass Shootings in America (MSA), final version (project suspended)."""

from __future__ import annotations

from datetime import date

from pipelines.registry import Source, SourceFile

SOURCE = Source(
    slug="stanford_msa",
    title="Mass Shootings in America",
    publisher="Stanford Geospatial Center and Stanford Libraries",
    licence="CC BY 4.0",
    attribution="Stanford Mass Shootings in America, courtesy of the Stanford Geospatial "
    "Center and Stanford Libraries",
    homepage="https://github.com/StanfordGeospatialCenter/MSA",
    repo="StanfordGeospatialCenter/MSA",
    commit="7025a75fdc82cb7737ed9eb9445cf4128dea9208",
    branch="master",
    files=(
        SourceFile("data", "Data/Stanford_MSA_Database.csv",
                   "9d42ea9d72bc7280c6d2db8604167497792629f90bd4d3d799bb6a86cfd34283", 489585),
        SourceFile("dictionary", "Methodology/Stanford_MSA_Data_Dictionary.csv",
                   "b91d879603acddbfa2d970c24fde8a6eb3ee8ffcf86db2db676723011fc835b5", 20765,
                   optional=True),
    ),
    definition="Mass shootings: 3+ people shot (not necessarily killed), not counting the "
    "shooter, excluding identifiably gang-, drug- or organized-crime-related shootings.",
    expected_records=(335, 335),
    first_date=date(1966, 1, 1),
    last_date=date(2016, 12, 31),
    tags=("mass_shooting", "firearm"),
)
