"""A Dagster logger that prints one line per finished step, as it happens.

A step that builds several assets (the raw and the normalized layers) gets one
indented line per asset, with the seconds and state its metadata reports.

The command line uses it instead of Dagster's console logger, so a refresh
shows live progress without pages of event logs; the full logs stay in the
Dagster instance for the UI.
"""

import logging
import sys
import time

import dagster as dg


def error_line(error) -> str:
    """The first line of the user's error behind Dagster's step-failure wrapper."""
    cause = error.cause or error
    lines = cause.message.strip().splitlines()
    if not lines:
        return cause.cls_name
    # Drop the "package.module.ErrorClass: " prefix Dagster puts before the message.
    head, sep, rest = lines[0].partition(f"{cause.cls_name}: ")
    return rest if sep and " " not in head else lines[0]


def ui_name(step_key: str) -> str:
    """A step under the name the UI and the README use: a one-asset step's key is its
    asset key joined with ``__`` (``curated__warehouse``), shown as ``curated/warehouse``;
    a step of several assets keeps its own name (``raw``, ``normalized``)."""
    return step_key.replace("__", "/")


INTERRUPTED = frozenset({"DagsterExecutionInterruptedError", "InterruptException",
                         "KeyboardInterrupt"})
"""What a step raises when the process gets SIGINT (Ctrl-C): Dagster's error, DuckDB's
``Query interrupted`` (it stops a running query itself), Python's own."""


def interrupted(error) -> bool:
    """Whether a step failed because the run was interrupted, not because of its work."""
    while error is not None:
        if error.cls_name in INTERRUPTED or error.message.strip().endswith(
                "RuntimeError: Query interrupted"):  # DuckDB, in a library that rewraps it
            return True
        error = error.cause or error.context
    return False


def without_source(slug: str, error: str) -> str:
    """``error`` without the ``<slug>: `` it starts with (the line already names it)."""
    return error.removeprefix(f"{slug}: ")


class _StepLines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.started: dict[str, float] = {}
        self.stale: dict[str, list[bool]] = {}
        """Per step, whether each source asset it materialized (with data) is stale."""
        self.absent: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None)
        event = meta.get("dagster_event") if isinstance(meta, dict) else None
        if event is None or not event.step_key:
            return
        kind = event.event_type_value
        if kind == "ASSET_MATERIALIZATION":
            self._asset_line(event)
            return
        if kind == "STEP_START":
            self.started[event.step_key] = time.perf_counter()
            return
        if kind not in ("STEP_SUCCESS", "STEP_FAILURE"):
            return
        seconds = time.perf_counter() - self.started.get(event.step_key, time.perf_counter())
        word, note = ("ok", "") if kind == "STEP_SUCCESS" else ("FAIL", "")
        stale = self.stale.get(event.step_key, [])
        if kind == "STEP_SUCCESS" and any(stale):
            # A step whose every source kept its last snapshot did not do its work.
            word = "STALE" if all(stale) else "ok"
            note = (f"  all {len(stale)} sources stale" if all(stale)
                    else f"  {sum(stale)} of {len(stale)} sources stale")
        error = (event.step_failure_data.error
                 if kind == "STEP_FAILURE" and event.step_failure_data else None)
        if error:
            word, note = (("INTERRUPTED", "") if interrupted(error)
                          else ("FAIL", f"  {error_line(error)}"))
        line = f"  {word:<4} {ui_name(event.step_key):<28} {seconds:6.2f}s{note}"
        print(line, file=sys.stdout, flush=True)

    def _asset_line(self, event) -> None:
        """``       normalized/fbi   0.21s``, for an asset of a step that holds several."""
        materialization = event.event_specific_data.materialization
        name = materialization.asset_key.to_user_string()
        if name.replace("/", "__") == event.step_key:
            return  # a one-asset step: its step line says it all
        meta = {k: getattr(v, "value", v) for k, v in materialization.metadata.items()}
        slug = name.rpartition("/")[2]
        if meta.get("files") == {} and not meta.get("stale"):
            self.absent.add(slug)  # a user-supplied source that was not supplied
        if slug not in self.absent:
            self.stale.setdefault(event.step_key, []).append(bool(meta.get("stale")))
        if meta.get("stale_from") == "raw":  # the raw line said why, once is enough
            state = ("  STALE  kept its last good tables" if meta.get("kept")
                     else "  STALE  left out: no good snapshot yet")
        elif meta.get("stale"):
            state = f"  STALE  {without_source(slug, str(meta.get('error', '')))}"
        else:
            seconds = meta.get("seconds")
            state = f" {seconds:6.2f}s" if isinstance(seconds, int | float) else ""
            state += "  unchanged" if meta.get("unchanged") else ""
        print(f"       {name:<28}{state}", file=sys.stdout, flush=True)


@dg.logger(description="One line per finished step with its duration (used by the CLI).")
def step_progress(_init_context) -> logging.Logger:
    log = logging.getLogger("incidents.progress")
    log.handlers = [_StepLines()]
    log.setLevel(logging.DEBUG)
    log.propagate = False
    return log
