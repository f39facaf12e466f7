"""AP / USA TODAY / Northeastern University Mass Killing Database (public tables)."""

from __future__ import annotations

from datetime import date

from pipelines.registry import Source, SourceFile

_ZIP = "associatedpress-mass-killings-public.zip"
_DIR = "associatedpress-mass-killings-public/"

SOURCE = Source(
    slug="ap_usat_nu",
    title="Mass Killing Database (public tables)",
    publisher="The Associated Press, USA TODAY and Northeastern University",
    licence="Public download (codebook: most variables except victim names are public)",
    attribution="The Associated Press/USA TODAY/Northeastern University Mass Killing "
    "Database (data.world/associatedpress/mass-killings-public)",
    homepage="https://data.world/associatedpress/mass-killings-public",
    repo="ChiisanaBanana/StatisticalLearning",
    commit="b2aad57c28aec263cc9c0dc7d0ae19b764bfe19d",
    branch="main",
    files=tuple(
        SourceFile(key, _ZIP, sha, size, member=f"{_DIR}mass_killing_{key}_public.csv")
        for key, sha, size in (
            ("incidents", "08fba631d66e24e249bd9226b3a924eaedcb46905f14b482f1d14ec27a9599f3",
             308282),
            ("offenders", "be23679bbd20cb0faf30ac77d4b6eeba92ee3ca4db76dfaf6ed51d1b9249b118",
             107525),
            ("victims", "4ec7d2fedaa7715c6308ebce08fd6fd96bc374f13f11569564dea56d0a35774c",
             182272),
            ("weapons", "88ac3696e2835aac95bcd622b7889974e77da296754085873657de5b16cc43b3",
             29879),
        )
    ),
    definition="Mass killings: 4+ victims killed (not counting the offender) within 24 "
    "hours, by any weapon (shootings, stabbings, arson, vehicles...), from 2006.",
    expected_records=(615, 900),
    first_date=date(2006, 1, 1),
    tags=("mass_killing",),
)
