"""Integer rows straight from a query into NumPy, without a Python object per value.

The rating reads millions of rows of ids, date ordinals and codes. Rules of this module:
- Every selected column must be an integer and never NULL: callers coalesce, and cast
  booleans to integers (PostgreSQL has no cast from boolean to bigint). A NULL raises
  ValueError instead of being read as something else.
- On PostgreSQL the rows come through `COPY ... TO STDOUT` in the binary format with
  every column cast to bigint. Each row then has the same size (a field count and, per
  column, a length and eight bytes), so a block of rows is one `np.frombuffer`: no text
  to format on the server and none to parse here. It streams: a block is parsed as it
  arrives, so the whole country's appeals never sit in memory twice.
- Elsewhere (SQLite in development and tests) they come from the cursor in chunks.
"""

from __future__ import annotations

import numpy as np
from django.db import connection
from django.db.models import QuerySet

_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_HEADER = len(_SIGNATURE) + 8  # flags and the header extension's length, both int32
_TRAILER = b"\xff\xff"  # a field count of -1
_BLOCK_BYTES = 8 << 20


def integer_rows(rows: QuerySet, *, block_bytes: int = _BLOCK_BYTES) -> np.ndarray:
    """The rows of a `values_list` query as an int64 array of shape (rows, columns).

    Columns come in the order `values_list` names them (Django selects them so).
    """
    width = len(rows._fields)
    sql, params = rows.query.sql_with_params()
    if connection.vendor == "postgresql":
        blocks = _copied(sql, params, width, block_bytes)
    else:
        blocks = _fetched(sql, params, width, block_bytes)
    return np.concatenate([np.empty((0, width), dtype=np.int64), *blocks])


def _fetched(sql: str, params, width: int, block_bytes: int):
    chunk_size = max(1, block_bytes // (8 * width))
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(chunk_size):
            table = np.array(chunk)  # a None makes an array of objects
            if table.dtype.kind not in "iub":
                raise ValueError("integer_rows: a column is NULL or not an integer")
            yield table.astype(np.int64).reshape(-1, width)


def _copied(sql: str, params, width: int, block_bytes: int):
    names = ", ".join(f"c{i}" for i in range(width))
    select = ", ".join(f"c{i}::int8" for i in range(width))
    statement = (
        f"COPY (SELECT {select} FROM ({connection.ops.compose_sql(sql, params)}) "  # noqa: S608 — our own SQL
        f"AS rows ({names})) TO STDOUT (FORMAT BINARY)"
    )
    row = np.dtype(
        [("fields", ">i2")]
        + [item for i in range(width) for item in ((f"length{i}", ">i4"), (f"value{i}", ">i8"))]
    )
    pending = bytearray()
    started = False
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for block in copy:
            pending += block
            if not started:
                if len(pending) < _HEADER:
                    continue
                del pending[: _header_length(pending)]
                started = True
            if len(pending) >= block_bytes:
                whole = len(pending) // row.itemsize * row.itemsize
                yield _parsed(pending[:whole], row, width)
                del pending[:whole]
    if not started:
        raise ValueError("integer_rows: the database sent no COPY header")
    if not pending.endswith(_TRAILER) or (len(pending) - len(_TRAILER)) % row.itemsize:
        raise ValueError("integer_rows: a column is NULL or the COPY data is cut short")
    yield _parsed(pending[: -len(_TRAILER)], row, width)


def _header_length(data: bytearray) -> int:
    if not data.startswith(_SIGNATURE):
        raise ValueError("integer_rows: not a binary COPY stream")
    return _HEADER + int.from_bytes(data[len(_SIGNATURE) + 4 : _HEADER], "big")


def _parsed(data: bytearray, row: np.dtype, width: int) -> np.ndarray:
    records = np.frombuffer(bytes(data), dtype=row)
    lengths_ok = all((records[f"length{i}"] == 8).all() for i in range(width))
    if not (records["fields"] == width).all() or not lengths_ok:
        # A NULL has length -1 and no bytes: every later field would be misread.
        raise ValueError("integer_rows: a column is NULL")
    table = np.empty((len(records), width), dtype=np.int64)
    for i in range(width):
        table[:, i] = records[f"value{i}"]
    return table
