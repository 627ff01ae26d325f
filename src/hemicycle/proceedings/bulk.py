"""Fast inserts of many narrow rows (a million votes) inside the caller's transaction.

The ORM (and even SQLAlchemy's executemany) spends most of its time per row in Python;
here the rows go straight to the driver: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection


def bulk_insert(conn: Connection, table: str, columns: Sequence[str],
                rows: Iterable[Sequence]) -> None:
    cols = ", ".join(columns)
    dbapi = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with dbapi.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    cur = dbapi.cursor()
    try:
        cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)
    finally:
        cur.close()
