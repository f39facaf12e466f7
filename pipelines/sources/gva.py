"""Gun Violence Archive mass shootings, master file (rebuilt daily by dxzys)."""

from __future__ import annotations

from datetime import date

from pipelines.registry import Source, SourceFile

SOURCE = Source(
    slug="gva",
    title="Mass shootings (Gun Violence Archive), master file",
    publisher="Gun Violence Archive; compiled daily by GitHub user dxzys",
    licence="GVA terms: free use with proper credit",
    attribution="Gun Violence Archive (gunviolencearchive.org)",
    homepage="https://www.gunviolencearchive.org/reports/mass-shooting",
    repo="dxzys/Gun-Violence-Data",
    commit="608051390e94b3f6a0979f6ebd8eecc849b4b2db",
    branch="main",
    files=(
        SourceFile("data", "data/gva_master.csv",
                   "26b75266094c6a93ec9057d0a286bd1eaaebf7ba76414593359467c2489cb448", 699063),
    ),
    definition="Mass shooting (GVA): 4+ people shot, injured or killed, not counting the "
    "shooter, in one event at one general time and place.",
    expected_records=(6127, 20000),
    first_date=date(2013, 1, 1),
    updates_daily=True,
    tags=("mass_shooting", "firearm"),
)
