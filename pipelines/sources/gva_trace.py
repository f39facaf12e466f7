"""GVA mass shootings as distributed by The Trace's Gun Violence Data Hub."""

from __future__ import annotations

from datetime import date

from pipelines.registry import Source, SourceFile

SOURCE = Source(
    slug="gva_trace",
    title="Mass shootings (Gun Violence Archive via The Trace)",
    publisher="Gun Violence Archive, distributed by The Trace",
    licence="GVA terms: free use with proper credit",
    attribution="Gun Violence Archive, via The Trace's Gun Violence Data Hub",
    homepage="https://datahub.thetrace.org/dataset/mass-shootings/",
    repo="dxzys/MSMDB",
    commit="54fe1bbf3f5300f5ff30b6bc8034be2f118f152a",
    branch="main",
    files=(
        SourceFile("data", "data/raw/gva.csv",
                   "bfd3223068d8119d2abd84ebc14633a032d4ed7fe5aa19d90369f9438e13bbaa", 720597),
    ),
    definition="Mass shooting (GVA): 4+ people shot, injured or killed, not counting the "
    "shooter; this distribution adds the time of day.",
    expected_records=(5469, 20000),
    first_date=date(2014, 1, 1),
    updates_daily=True,
    tags=("mass_shooting", "firearm"),
)
