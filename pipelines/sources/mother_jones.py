"""Mother Jones "US Mass Shootings, 1982-2025" (export of the public Google Sheet)."""

from __future__ import annotations

from datetime import date

from pipelines.registry import Source, SourceFile

SOURCE = Source(
    slug="mother_jones",
    title="US Mass Shootings, 1982-2025",
    publisher="Mother Jones",
    licence="No licence stated; cite Mother Jones",
    attribution="Mother Jones, US Mass Shootings, 1982-2025 (motherjones.com)",
    homepage="https://www.motherjones.com/politics/2012/12/mass-shootings-mother-jones-full-data/",
    repo="dxzys/MSMDB",
    commit="54fe1bbf3f5300f5ff30b6bc8034be2f118f152a",
    branch="main",
    files=(
        SourceFile("data", "data/raw/motherjones.csv",
                   "58a53e7540d7389a2775b66ec5ad15e9215e5810c6859e28eb8b7141f584d5d1", 182663),
    ),
    definition="Indiscriminate mass shootings in public places: 4+ killed (not counting "
    "the shooter) through 2012, 3+ killed from 2013; excludes gang, armed-robbery and "
    "domestic shootings in private homes.",
    expected_records=(155, 250),
    first_date=date(1982, 1, 1),
    notes="Canonical export: https://docs.google.com/spreadsheets/d/"
    "1b9o6uDO18sLxBqPwl_Gh9bnhW-ev_dABH83M5Vb5L8o/export?format=csv (not pinnable); the "
    "pinned copy is the raw GitHub file of dxzys/MSMDB.",
    tags=("mass_shooting", "firearm"),
)
