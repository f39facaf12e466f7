"""Group many small DuckDB statements into one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def one_transaction(con) -> Iterator[None]:
    """Run the block's statements on ``con`` as one transaction, rolled back if it fails.

    Why: on a file database every statement outside a transaction is committed, and
    each commit writes and syncs the write-ahead log. The warehouse's hundreds of
    ``COMMENT ON`` statements spent most of their wall time waiting on those syncs; in
    one transaction they are written and synced once. The result is the same."""
    con.begin()
    try:
        yield
    except BaseException:
        con.rollback()
        raise
    con.commit()
