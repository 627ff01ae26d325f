"""Fast inserts of many narrow rows (a million votes) inside the caller's transaction.

The ORM (and even SQLAlchemy's executemany) spends most of its time per row in Python;
here the rows go straight to the driver: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, Engine


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


TABLES = ("votes", "voting_records", "voting_record_issues", "speeches", "meetings")


def refresh_statistics(engine: Engine) -> None:
    """After a bulk load, let the planner see the new sizes (and PostgreSQL its visibility
    map, so a state's history is an index-only scan); outside the load's transaction."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in TABLES:
                conn.exec_driver_sql(f"VACUUM (ANALYZE) {table}")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
