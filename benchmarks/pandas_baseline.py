"""Time "the obvious alternative": a plain pandas script doing the pipeline's work.

    .venv/bin/python benchmarks/pandas_baseline.py [--runs N] [--json]

Why: the warehouse is built by Dagster + Polars + DuckDB; this is the script a
researcher would write today instead, so the two can be compared end to end. It
reads every shipped file the pipeline reads (7 FBI workbooks, ALERRT, WaPo, the
K-12 SSDB workbook's INCIDENT/SHOOTER/VICTIM/WEAPON sheets, Mother Jones, the 4
AP/USA TODAY/Northeastern tables, Stanford MSA, GVA, GVA via The Trace) with
pandas (``engine="openpyxl"`` for every xlsx), normalizes each record in a Python
loop over ``iterrows()`` into one dict shape (source, id, date, city, 2-letter
state, killed, injured, outcome text), then links naively: a nested loop over all
pairs of records, linking records of different sources in the same state at most
one day apart, grouped with a union-find. It writes one CSV row per record with
its group.

The pipeline's registry (``pipelines.registry.sources()``) and
``pipelines.ingest.snapshots.find`` are used only to locate the raw files; all
parsing is plain pandas and Python. Each run is a fresh child process timed with
the wall clock (``os.wait4`` gives its peak RSS); the child times its phases
(read, normalize, link, write). The default compares all pairs (about 133 million
for 16,325 records: 15-20 s on one core). On a machine where that would take far
too long, ``--link-sample N`` compares only every Nth record with all later ones
and scales the link time up by total pairs / pairs compared; the output then says
the time is extrapolated, and the grouping written is partial.

It prints Markdown tables: phase seconds (min/median/max), peak RSS, and, when
``data/curated/incidents.duckdb`` (or ``--warehouse``) exists, records, dated
records, records with a state and killed per source side by side with the
warehouse's ``source_records``, and how the naive grouping agrees with the
warehouse's ``incident_links`` (pairwise precision and recall). ``--json`` prints
one JSON object of the timings instead, for the refresh benchmark to consume.
Not a test: pytest never runs it.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

REPO_ROOT = Path(__file__).resolve().parent.parent
WAREHOUSE = REPO_ROOT / "data" / "curated" / "incidents.duckdb"
OUTPUT = Path(tempfile.gettempdir()) / "incidents-pandas-baseline.csv"
PHASES = ("locate", "read", "normalize", "link", "write")

Record = dict[str, Any]
Frames = dict[str, "pd.DataFrame"]
"""One source's frames by file key (or by sheet name for the K-12 workbook)."""

# --------------------------------------------------------------------------------------
# The researcher's helpers: states, blanks, numbers and dates.
# --------------------------------------------------------------------------------------

STATES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "district of columbia": "DC",
    "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL",
    "indiana": "IN", "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA",
    "maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI",
    "minnesota": "MN", "mississippi": "MS", "missouri": "MO", "montana": "MT",
    "nebraska": "NE", "nevada": "NV", "new hampshire": "NH", "new jersey": "NJ",
    "new mexico": "NM", "new york": "NY", "north carolina": "NC", "north dakota": "ND",
    "ohio": "OH", "oklahoma": "OK", "oregon": "OR", "pennsylvania": "PA",
    "rhode island": "RI", "south carolina": "SC", "south dakota": "SD", "tennessee": "TN",
    "texas": "TX", "utah": "UT", "vermont": "VT", "virginia": "VA", "washington": "WA",
    "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY", "puerto rico": "PR",
    "guam": "GU", "u.s. virgin islands": "VI", "american samoa": "AS",
    "northern mariana islands": "MP",
    # spellings met in the files
    "d.c.": "DC", "washington d.c.": "DC", "washington, d.c.": "DC", "lousiana": "LA",
}
CODES = set(STATES.values())
BLANKS = {"", "?", "-", "n/a", "na", "null", "unknown", "none", "nan"}


def blank(value: Any) -> bool:
    """Missing: NaN/None, or a marker of unknown such as "?", "-", "N/A"."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip().lower() in BLANKS


def text(value: Any) -> str | None:
    return None if blank(value) else str(value).strip()


def to_int(value: Any) -> int | None:
    """12, 12.0, "12", "1,965" -> int; anything else -> None."""
    if blank(value):
        return None
    try:
        number = float(str(value).replace(",", "").strip())
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def add(*values: int | None) -> int | None:
    """Sum of the known values; None when none is known."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def to_date(value: Any, *formats: str) -> date | None:
    """A date from an Excel datetime, a Timestamp or text in one of ``formats``."""
    if blank(value):
        return None
    if isinstance(value, datetime):  # pandas.Timestamp is a datetime too
        return value.date()
    if isinstance(value, date):
        return value
    raw = str(value).strip()
    for fmt in formats:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def to_state(value: Any) -> str | None:
    """Two-letter code from a code or a full name; the first state of "A & B"."""
    raw = text(value)
    if raw is None:
        return None
    raw = raw.split("&")[0].strip()
    if raw.upper() in CODES:
        return raw.upper()
    return STATES.get(raw.lower())


def record(source: str, id_: Any, day: date | None, city: Any, state: str | None,
           killed: int | None, injured: int | None, outcome: Any) -> Record:
    return {"source": source, "id": str(id_), "date": day, "city": text(city),
            "state": state, "killed": killed, "injured": injured, "outcome": text(outcome)}


# --------------------------------------------------------------------------------------
# Read: every file the pipeline reads, as pandas frames.
# --------------------------------------------------------------------------------------


def locate(raw_root: Path) -> dict[str, dict[str, Path]]:
    """Paths of each shipped source's data files, found via the pipeline's registry."""
    from pipelines.ingest.snapshots import find
    from pipelines.registry import sources

    found: dict[str, dict[str, Path]] = {}
    for slug, source in sources().items():
        files = {}
        for file in source.data_files:
            snap = find(raw_root, slug, file.sha256, verify=False)
            if snap is not None:
                files[file.key] = Path(snap.path)
        if files:
            found[slug] = files
    return found


def read_fbi_workbook(path: Path) -> pd.DataFrame:
    """The incident table below the summary block: the header row starts "Incident Name"."""
    import pandas as pd

    grid = pd.read_excel(path, engine="openpyxl", header=None)
    first = grid[0].astype(str).str.strip()
    header_at = first[first == "Incident Name"].index[0]
    table = grid.iloc[header_at + 1:].copy()
    table.columns = [str(c).strip() if not pd.isna(c) else f"extra_{i}"
                     for i, c in enumerate(grid.iloc[header_at])]
    return table.dropna(subset=["Incident Name"])


def read_all(files: dict[str, dict[str, Path]]) -> dict[str, Frames]:
    """Every data file as a DataFrame (the K-12 workbook as one frame per sheet)."""
    import pandas as pd

    frames: dict[str, Frames] = {}
    for slug, by_key in files.items():
        if slug == "fbi":
            frames[slug] = {key: read_fbi_workbook(path) for key, path in sorted(by_key.items())}
        elif slug == "k12ssdb":
            frames[slug] = pd.read_excel(by_key["workbook"], engine="openpyxl",
                                         sheet_name=["INCIDENT", "SHOOTER", "VICTIM", "WEAPON"])
        elif slug == "ap_usat_nu":
            frames[slug] = {key: pd.read_csv(path, encoding="utf-8-sig")
                            for key, path in by_key.items()}
        elif slug in NORMALIZERS:
            frames[slug] = {"data": pd.read_csv(by_key["data"])}
    return frames


# --------------------------------------------------------------------------------------
# Normalize: one loop over the rows of each source.
# --------------------------------------------------------------------------------------


def norm_fbi(frames: Frames) -> list[Record]:
    out = []
    for frame in frames.values():
        for _, row in frame.iterrows():
            day = to_date(row["Date"], "%Y-%m-%d", "%m/%d/%Y")
            name = str(row["Incident Name"]).strip()
            out.append(record("fbi", f"{day} {name}", day, None, to_state(row["State"]),
                              to_int(row["Deaths"]), to_int(row["Wounded"]),
                              text(row["Terminating Event"]) or row["Shooter's Fate"]))
    return out


def norm_alerrt(frames: Frames) -> list[Record]:
    return [record("alerrt", row["case_code"], to_date(row["date"], "%Y-%m-%d"), row["city"],
                   to_state(row["state"]), to_int(row["kill_tot"]), to_int(row["wound_tot"]),
                   row["resolution"])
            for _, row in frames["data"].iterrows()]


def norm_wapo(frames: Frames) -> list[Record]:
    out = []
    for _, row in frames["data"].iterrows():
        outcome = text(row["deceased_notes1"])
        if outcome is None and to_int(row["shooter_deceased1"]) == 1:
            outcome = "shooter died"
        out.append(record("wapo", row["uid"], to_date(row["date"], "%m/%d/%Y"), row["city"],
                          to_state(row["state"]), to_int(row["killed"]),
                          to_int(row["injured"]), outcome))
    return out


def norm_k12ssdb(sheets: Frames) -> list[Record]:
    """INCIDENT rows, killed/injured counted from VICTIM, outcomes from SHOOTER."""
    victims = sheets["VICTIM"]
    victims = victims.assign(killed=victims["injury"].eq("Fatal"),
                             hurt=victims["injury"].isin(["Wounded", "Minor Injuries"]))
    counts = victims.groupby("incidentid")[["killed", "hurt"]].sum()
    outcomes = (sheets["SHOOTER"].dropna(subset=["shooteroutcome"])
                .groupby("incidentid")["shooteroutcome"].agg(lambda s: "; ".join(map(str, s))))
    incidents = (sheets["INCIDENT"].dropna(subset=["Incident_ID"])
                 .merge(counts, left_on="Incident_ID", right_index=True, how="left")
                 .merge(outcomes, left_on="Incident_ID", right_index=True, how="left"))
    return [record("k12ssdb", row["Incident_ID"], to_date(row["Date"], "%Y-%m-%d"),
                   row["City"], to_state(row["State"]),
                   0 if blank(row["killed"]) else int(row["killed"]),
                   0 if blank(row["hurt"]) else int(row["hurt"]), row["shooteroutcome"])
            for _, row in incidents.iterrows()]


OUTCOME_WORDS = (("suicide", ("killed himself", "killed herself", "took his own life",
                              "committed suicide", "shot himself", "self-inflicted")),
                 ("killed by police", ("killed by police", "shot and killed by police",
                                       "fatally shot by police", "killed by officers")),
                 ("surrendered", ("surrendered",)),
                 ("arrested", ("arrested", "apprehended", "taken into custody")))


def norm_mother_jones(frames: Frames) -> list[Record]:
    """`location` is "City, State"; the outcome is looked up in the free-text summary."""
    out = []
    for _, row in frames["data"].iterrows():
        city, _, state = str(row["location"]).rpartition(",")
        day = to_date(row["date"], "%m/%d/%Y", "%m/%d/%y")
        summary = str(row["summary"]).lower()
        outcome = next((kind for kind, words in OUTCOME_WORDS
                        if any(w in summary for w in words)), None)
        out.append(record("mother_jones", f"{day} {str(row['case']).strip()}", day, city,
                          to_state(state), to_int(row["fatalities"]), to_int(row["injured"]),
                          outcome))
    return out


def norm_ap_usat_nu(tables: Frames) -> list[Record]:
    """The incidents table joined with its offenders (outcomes), victims and weapons."""
    offenders = (tables["offenders"].dropna(subset=["outcome"])
                 .groupby("incident_id")["outcome"].agg(lambda s: "; ".join(map(str, s))))
    victims = tables["victims"].groupby("incident_id").size().rename("victim_rows")
    guns = (tables["weapons"].assign(gun=tables["weapons"]["weapon_type"].eq("Firearm"))
            .groupby("incident_id")["gun"].any())
    incidents = (tables["incidents"]
                 .merge(offenders, left_on="incident_id", right_index=True, how="left")
                 .merge(victims, left_on="incident_id", right_index=True, how="left")
                 .merge(guns, left_on="incident_id", right_index=True, how="left"))
    return [record("ap_usat_nu", row["incident_id"], to_date(row["date"], "%Y-%m-%d"),
                   row["city"], to_state(row["state"]), to_int(row["num_victims_killed"]),
                   to_int(row["num_victims_injured"]), row["outcome"])
            for _, row in incidents.iterrows()]


def norm_stanford_msa(frames: Frames) -> list[Record]:
    return [record("stanford_msa", row["CaseID"], to_date(row["Date"], "%m/%d/%Y"),
                   row["City"], to_state(row["State"]),
                   add(to_int(row["Number of Civilian Fatalities"]),
                       to_int(row["Number of Enforcement Fatalities"])),
                   add(to_int(row["Number of Civilian Injured"]),
                       to_int(row["Number of Enforcement Injured"])),
                   row["Fate of Shooter at the scene"])
            for _, row in frames["data"].iterrows()]


def norm_gva(frames: Frames) -> list[Record]:
    out = []
    for _, row in frames["data"].iterrows():
        outcome = (f"suspects killed {to_int(row['Suspects Killed'])}, "
                   f"arrested {to_int(row['Suspects Arrested'])}")
        out.append(record("gva", row["Incident ID"], to_date(row["Incident Date"], "%B %d, %Y"),
                          row["City Or County"], to_state(row["State"]),
                          to_int(row["Victims Killed"]), to_int(row["Victims Injured"]),
                          outcome))
    return out


def norm_gva_trace(frames: Frames) -> list[Record]:
    return [record("gva_trace", row["incident_id"], to_date(row["incident_date"], "%B %d, %Y"),
                   row["city_or_county"], to_state(row["state"]),
                   to_int(row["victims_killed"]), to_int(row["victims_injured"]),
                   f"suspects killed {to_int(row['suspects_killed'])}")
            for _, row in frames["data"].iterrows()]


NORMALIZERS = {
    "fbi": norm_fbi, "alerrt": norm_alerrt, "wapo": norm_wapo, "k12ssdb": norm_k12ssdb,
    "mother_jones": norm_mother_jones, "ap_usat_nu": norm_ap_usat_nu,
    "stanford_msa": norm_stanford_msa, "gva": norm_gva, "gva_trace": norm_gva_trace,
}


def normalize_all(frames: dict[str, Frames]) -> list[Record]:
    records: list[Record] = []
    for slug, by_key in frames.items():
        records.extend(NORMALIZERS[slug](by_key))
    return records


# --------------------------------------------------------------------------------------
# Link: the plain nested loop over all pairs, then union-find.
# --------------------------------------------------------------------------------------


def find_root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def link(records: list[Record], sample: int) -> tuple[list[int], int, int]:
    """Group ids per record, pairs compared and pairs linked.

    Every ``sample``-th record is compared with every later record (1 = all pairs).
    """
    n = len(records)
    parent = list(range(n))
    compared = linked = 0
    for i in range(0, n, sample):
        a = records[i]
        for j in range(i + 1, n):
            b = records[j]
            if (a["source"] != b["source"] and a["state"] is not None
                    and a["state"] == b["state"] and a["date"] is not None
                    and b["date"] is not None and abs((a["date"] - b["date"]).days) <= 1):
                linked += 1
                ra, rb = find_root(parent, i), find_root(parent, j)
                if ra != rb:
                    parent[rb] = ra
        compared += n - 1 - i
    return [find_root(parent, i) for i in range(n)], compared, linked


def write_csv(records: list[Record], groups: list[int], path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame(records)
    frame.insert(0, "group", groups)
    frame.insert(0, "record", range(len(records)))
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)


# --------------------------------------------------------------------------------------
# Child: one timed run. Parent: runs children, compares with the warehouse, reports.
# --------------------------------------------------------------------------------------


def child(output: Path, sample: int) -> dict[str, Any]:
    """One full run in this process: phase seconds, counts and peak RSS."""
    from pipelines.paths import project_paths

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    files = locate(project_paths().raw)
    seconds["locate"] = time.perf_counter() - started

    started = time.perf_counter()
    frames = read_all(files)
    seconds["read"] = time.perf_counter() - started

    started = time.perf_counter()
    records = normalize_all(frames)
    seconds["normalize"] = time.perf_counter() - started

    started = time.perf_counter()
    groups, compared, linked = link(records, sample)
    measured = time.perf_counter() - started
    n = len(records)
    total_pairs = n * (n - 1) // 2
    seconds["link"] = measured * total_pairs / max(compared, 1)

    started = time.perf_counter()
    write_csv(records, groups, output)
    seconds["write"] = time.perf_counter() - started

    per_source: dict[str, dict[str, int]] = {}
    for r in records:
        s = per_source.setdefault(r["source"], {"records": 0, "dated": 0, "state": 0,
                                               "killed": 0})
        s["records"] += 1
        s["dated"] += r["date"] is not None
        s["state"] += r["state"] is not None
        s["killed"] += r["killed"] or 0
    sizes: dict[int, int] = {}
    for g in groups:
        sizes[g] = sizes.get(g, 0) + 1
    return {
        "seconds": seconds, "link_measured_seconds": measured, "link_sample": sample,
        "pairs_total": total_pairs, "pairs_compared": compared, "pairs_linked": linked,
        "records": n, "groups": len(sizes), "multi_record_groups":
        sum(1 for v in sizes.values() if v > 1), "largest_group": max(sizes.values()),
        "per_source": per_source, "unhandled_sources": sorted(set(files) - set(NORMALIZERS)),
        "child_peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "output": str(output),
    }


class RunFailed(RuntimeError):
    """A timed child process exited non-zero."""


def run_child(output: Path, sample: int) -> dict[str, Any]:
    """One child process: its report plus wall seconds and peak RSS (``os.wait4``)."""
    cmd = [sys.executable, __file__, "--child", "--output", str(output),
           "--link-sample", str(sample)]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if code != 0:
        raise RunFailed(f"child exited {code}\n--- stdout ---\n{stdout}--- stderr ---\n{stderr}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result.update(wall=wall, peak_rss_mib=usage.ru_maxrss / 1024)
    return result


def warehouse_counts(path: Path) -> dict[str, dict[str, int]] | None:
    """Per source: records, dated, with a state, killed (from ``source_records``)."""
    if not path.exists():
        return None
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            "SELECT source, count(*), count(incident_date), count(state), "
            "coalesce(sum(killed), 0) FROM source_records GROUP BY source ORDER BY source"
        ).fetchall()
        incidents = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
    finally:
        con.close()
    found = {s: {"records": n, "dated": d, "state": st, "killed": int(k)}
             for s, n, d, st, k in rows}
    found["(incidents)"] = {"records": incidents}
    return found


def agreement(csv_path: Path, warehouse: Path) -> dict[str, int] | None:
    """Pairs of records grouped together by this script, by the warehouse, and by both.

    Records are matched on (source, id, n-th use of the id): the pipeline suffixes a
    source's repeated id with "#2" (and flags it ``duplicate_id_in_source``), this
    script keeps it as is.
    """
    if not (warehouse.exists() and csv_path.exists()):
        return None
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return dict(zip(("matched", "naive", "warehouse", "both"), con.execute("""
            WITH mine AS (
                SELECT "group" AS g, source, id,
                       row_number() OVER (PARTITION BY source, id ORDER BY record) AS n
                FROM read_csv(?, all_varchar = true)
            ), links AS (
                SELECT l.incident_id, l.source, l.source_record_id,
                       list_contains(r.quality_flags, 'duplicate_id_in_source')
                       AND regexp_matches(l.source_record_id, '#\\d+$') AS suffixed
                FROM incident_links AS l JOIN source_records AS r USING (source, source_record_id)
            ), theirs AS (
                SELECT incident_id AS i, source,
                       CASE WHEN suffixed THEN regexp_replace(source_record_id, '#\\d+$', '')
                            ELSE source_record_id END AS id,
                       CASE WHEN suffixed THEN regexp_extract(source_record_id, '#(\\d+)$', 1)
                            ::INTEGER ELSE 1 END AS n
                FROM links
            ), j AS (SELECT g, i FROM mine JOIN theirs USING (source, id, n)),
            pairs AS (
                SELECT 'naive' AS k, count(*) AS c FROM j GROUP BY g
                UNION ALL SELECT 'warehouse', count(*) FROM j GROUP BY i
                UNION ALL SELECT 'both', count(*) FROM j GROUP BY g, i
            )
            SELECT (SELECT count(*) FROM j),
                   sum(c * (c - 1) // 2) FILTER (WHERE k = 'naive'),
                   sum(c * (c - 1) // 2) FILTER (WHERE k = 'warehouse'),
                   sum(c * (c - 1) // 2) FILTER (WHERE k = 'both')
            FROM pairs
        """, [str(csv_path)]).fetchone(), strict=True))
    finally:
        con.close()


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table, columns padded so it also reads well on a terminal."""
    rows = [list(header), *[list(r) for r in rows]]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
             for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def spread(values: Sequence[float]) -> tuple[float, float, float]:
    return min(values), statistics.median(values), max(values)


def total(run: dict[str, Any]) -> float:
    """Whole-process wall seconds, with the link time scaled up when it was sampled."""
    return run["wall"] - run["link_measured_seconds"] + run["seconds"]["link"]


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median seconds per phase, wall and peak RSS: the JSON the refresh benchmark reads."""
    phase = {p: statistics.median(r["seconds"][p] for r in runs) for p in PHASES}
    last = runs[-1]
    return {
        "runs": len(runs),
        "read_s": phase["locate"] + phase["read"],
        "normalize_s": phase["normalize"],
        "link_s": phase["link"],
        "write_s": phase["write"],
        "phases_s": sum(phase.values()),
        "total_s": statistics.median(total(r) for r in runs),
        "total_min_s": min(total(r) for r in runs),
        "total_max_s": max(total(r) for r in runs),
        "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
        "link_extrapolated": last["link_sample"] > 1,
        "link_sample": last["link_sample"],
        "pairs_total": last["pairs_total"],
        "pairs_compared": last["pairs_compared"],
        "records": last["records"],
        "groups": last["groups"],
        "output": last["output"],
    }


def usable_cpus() -> int:
    """CPUs this process may run on (what ``nproc`` prints)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def load_note(loads: tuple[float, float]) -> str:
    """The 1-minute load average while timing, and a warning when the machine was busy."""
    cpus = usable_cpus()
    note = f"1-minute load average at start / end: {loads[0]:.2f} / {loads[1]:.2f} on {cpus} CPUs"
    if max(loads) >= 0.5 * cpus:
        return note + ": the machine was busy, treat these numbers as upper bounds."
    return note + "."


def report(runs: list[dict[str, Any]], counts: dict[str, dict[str, int]] | None,
           warehouse: Path, loads: tuple[float, float]) -> str:
    """The Markdown printed after the runs."""
    def row(name: str, values: Sequence[float]) -> list[str]:
        low, mid, high = spread(values)
        return [name, f"{low:.2f}", f"{mid:.2f}", f"{high:.2f}"]

    last = runs[-1]
    extrapolated = last["link_sample"] > 1
    link_name = "link (extrapolated)" if extrapolated else "link"
    phase_rows = [
        row("read (locate + read files)",
            [r["seconds"]["locate"] + r["seconds"]["read"] for r in runs]),
        row("normalize", [r["seconds"]["normalize"] for r in runs]),
        row(link_name, [r["seconds"]["link"] for r in runs]),
        row("write CSV", [r["seconds"]["write"] for r in runs]),
    ]
    if extrapolated:
        phase_rows += [row("whole process, wall (link on the sample)", [r["wall"] for r in runs]),
                       row("total (wall, link extrapolated)", [total(r) for r in runs])]
    else:
        phase_rows.append(row("total (whole process, wall)", [r["wall"] for r in runs]))
    parts = [
        f"## pandas baseline ({len(runs)} run{'s' if len(runs) > 1 else ''}, seconds)",
        table(["phase", "min s", "median s", "max s"], phase_rows),
        f"Peak RSS: {max(r['peak_rss_mib'] for r in runs):.0f} MiB. "
        f"Records: {last['records']:,}; pairs compared: {last['pairs_compared']:,} of "
        f"{last['pairs_total']:,}; pairs linked: {last['pairs_linked']:,}; groups: "
        f"{last['groups']:,} ({last['multi_record_groups']:,} with more than one record, "
        f"largest {last['largest_group']}). CSV: {last['output']}",
        load_note(loads),
    ]
    if extrapolated:
        parts.append(
            f"**The link time is extrapolated**: only every {last['link_sample']}th record "
            f"was compared with all later ones ({last['pairs_compared']:,} pairs, "
            f"{statistics.median(r['link_measured_seconds'] for r in runs):.1f} s measured), "
            "scaled up by total pairs / pairs compared. The grouping in the CSV is partial.")
    if last["unhandled_sources"]:
        parts.append("Sources present but not handled by this script: "
                     + ", ".join(last["unhandled_sources"]))
    per_source = last["per_source"]
    if counts is None:
        parts.append(f"No warehouse at {warehouse}: no comparison with `source_records`.")
        rows = [[s, str(v["records"]), str(v["dated"]), str(v["state"]), str(v["killed"])]
                for s, v in sorted(per_source.items())]
        parts += ["### Records per source",
                  table(["source", "records", "dated", "with state", "killed"], rows)]
        return "\n\n".join(parts)
    rows = []
    for s in sorted(set(per_source) | (set(counts) - {"(incidents)"})):
        mine = per_source.get(s, {})
        theirs = counts.get(s, {})
        n_mine, n_theirs = mine.get("records", 0), theirs.get("records", 0)
        diff = f"{100 * (n_mine - n_theirs) / n_theirs:+.1f}%" if n_theirs else "-"
        rows.append([s, str(n_mine), str(n_theirs), diff,
                     f"{mine.get('dated', 0)} / {theirs.get('dated', 0)}",
                     f"{mine.get('state', 0)} / {theirs.get('state', 0)}",
                     f"{mine.get('killed', 0)} / {theirs.get('killed', 0)}"])
    rows.append(["groups / incidents", str(last["groups"]),
                 str(counts["(incidents)"]["records"]), "", "", "", ""])
    parts += [
        f"### Records per source: this script vs `source_records` in {warehouse.name}",
        table(["source", "pandas", "warehouse", "diff", "dated", "with state",
               "killed (sum)"], rows),
    ]
    pairs = agreement(Path(last["output"]), warehouse)
    if pairs and pairs["naive"] and pairs["warehouse"]:
        parts.append(
            f"Grouping compared with the warehouse's `incident_links` ({pairs['matched']:,} of "
            f"{last['records']:,} records matched by source and id): this script puts "
            f"{pairs['naive']:,} pairs of records together, the warehouse {pairs['warehouse']:,}"
            f", both {pairs['both']:,}: pairwise precision "
            f"{pairs['both'] / pairs['naive']:.3f}, recall {pairs['both'] / pairs['warehouse']:.3f}"
            " taking the warehouse as reference"
            + (" (partial grouping: the link step was sampled)." if extrapolated else "."))
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs (default 3)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object of the timings instead of tables")
    parser.add_argument("--output", type=Path, default=OUTPUT,
                        help=f"CSV of linked records (default {OUTPUT})")
    parser.add_argument("--link-sample", type=int, default=1,
                        help="compare every Nth record with all others and scale the link "
                        "time up (default 1: all pairs)")
    parser.add_argument("--warehouse", type=Path, default=WAREHOUSE,
                        help="warehouse to compare record counts with")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 1 or args.link_sample < 1:
        parser.error("--runs and --link-sample must be at least 1")
    if args.child:
        sys.path.insert(0, str(REPO_ROOT))
        print(json.dumps(child(args.output, args.link_sample)))
        return 0
    runs = []
    load_start = os.getloadavg()[0]
    try:
        for i in range(args.runs):
            runs.append(run_child(args.output, args.link_sample))
            if not args.json:
                print(f"  run {i + 1}/{args.runs} {runs[-1]['wall']:7.2f}s "
                      f"{runs[-1]['peak_rss_mib']:6.0f} MiB", flush=True)
    except RunFailed as failed:
        print(f"pandas baseline FAILED: {failed}", file=sys.stderr)
        return 1
    loads = (load_start, os.getloadavg()[0])
    if args.json:
        print(json.dumps({**summary(runs), "load_avg": loads, "cpus": usable_cpus()}))
        return 0
    print(f"\n{report(runs, warehouse_counts(args.warehouse), args.warehouse, loads)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
