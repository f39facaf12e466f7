"""Pairwise precision and recall of ``incident_links`` against a labelled set.

A labelled pair (source_a, id_a, source_b, id_b, label match/non_match) is
predicted a match when both records are in the same incident. Pairs whose records
are not in the warehouse (a source not loaded) are left out and counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipelines.paths import REPO_ROOT

LABELS = REPO_ROOT / "tests" / "fixtures" / "linkage_labels.csv"


@dataclass(frozen=True)
class PairwiseScores:
    true_positive: int
    false_positive: int
    false_negative: int
    true_negative: int
    missing: int
    """Labelled pairs left out because a record is not in the warehouse."""
    errors: list[tuple] = field(default_factory=list)
    """(source_a, id_a, source_b, id_b, label, note) of every wrong prediction."""

    @property
    def precision(self) -> float:
        predicted = self.true_positive + self.false_positive
        return self.true_positive / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positive + self.false_negative
        return self.true_positive / actual if actual else 1.0


def pairwise_scores(con, labels: Path = LABELS) -> PairwiseScores:
    """Score ``con``'s incident_links against the labels CSV."""
    rows = con.execute("""
        WITH labels AS (
            SELECT * FROM read_csv(?, header = true, all_varchar = true)
        )
        SELECT l.source_a, l.id_a, l.source_b, l.id_b, l.label, l.note,
               a.incident_id IS NOT NULL AND b.incident_id IS NOT NULL AS present,
               a.incident_id = b.incident_id AS linked
        FROM labels AS l
        LEFT JOIN incident_links AS a
            ON a.source = l.source_a AND a.source_record_id = l.id_a
        LEFT JOIN incident_links AS b
            ON b.source = l.source_b AND b.source_record_id = l.id_b
    """, [str(labels)]).fetchall()
    tp = fp = fn = tn = missing = 0
    errors = []
    for *pair, label, note, present, linked in rows:
        if not present:
            missing += 1
            continue
        match = label == "match"
        if linked and match:
            tp += 1
        elif linked:
            fp += 1
        elif match:
            fn += 1
        else:
            tn += 1
        if linked != match:
            errors.append((*pair, label, note))
    return PairwiseScores(tp, fp, fn, tn, missing, errors)


def scores_by_source_pair(con, labels: Path = LABELS) -> dict[tuple[str, str], PairwiseScores]:
    """:func:`pairwise_scores` per pair of sources (sorted names; a source with itself
    for its own duplicates), so a pair of sources that links badly is not hidden by
    the others."""
    import tempfile

    import polars as pl

    table = pl.read_csv(labels, infer_schema_length=0)
    pair = table.select(
        pl.min_horizontal("source_a", "source_b").alias("first"),
        pl.max_horizontal("source_a", "source_b").alias("second"),
    )
    table = table.hstack(pair)
    out = {}
    with tempfile.TemporaryDirectory(prefix="linkage-labels-") as tmp:
        for (first, second), group in table.group_by("first", "second", maintain_order=True):
            path = Path(tmp) / f"{first}-{second}.csv"
            group.drop("first", "second").write_csv(path)
            out[first, second] = pairwise_scores(con, path)
    return dict(sorted(out.items()))


def source_pair_table(con, labels: Path = LABELS) -> str:
    """The per source pair scores as the Markdown table in docs/linkage.md (a test
    checks that the document shows the table of the published warehouse)."""
    lines = ["| source | source | true pos. | false pos. | false neg. | true neg. "
             "| precision | recall |", "|---|---|---|---|---|---|---|---|"]
    for (first, second), s in scores_by_source_pair(con, labels).items():
        lines.append(f"| {first} | {second} | {s.true_positive} | {s.false_positive} "
                     f"| {s.false_negative} | {s.true_negative} | {s.precision:.3f} "
                     f"| {s.recall:.3f} |")
    return "\n".join(lines)
