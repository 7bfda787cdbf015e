"""Tables and their migrations. Portable SQL (SQLAlchemy Core): the same code runs on
SQLite and PostgreSQL. A migration is applied once, in order, and recorded."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, UniqueConstraint
from sqlalchemy.engine import Connection

metadata = MetaData()

schema_migrations = Table(
    "schema_migrations", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", String(40), nullable=False),
)

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

brands = Table(
    "brands", metadata,
    Column("id", String(200), primary_key=True),
    Column("name", Text, nullable=False),
    Column("aliases", Text, nullable=False, default=""),
    Column("zh_names", Text, nullable=False, default=""),
    Column("submarks", Text, nullable=False, default=""),
    Column("ordinary", Text, nullable=False, default=""),
    Column("categories", Text, nullable=False),
    Column("tier", String(20), nullable=False),
    Column("owner", Text, nullable=False, default=""),
    Column("nice_classes", Text, nullable=False, default=""),
    Column("updated_at", String(40), nullable=False),
)

terms = Table(
    "terms", metadata,
    Column("id", String(200), primary_key=True),
    Column("category", String(40), nullable=False),
    Column("lang", String(8), nullable=False),
    Column("forms", Text, nullable=False),
    Column("severity", String(10), nullable=False),
    Column("reason", Text, nullable=False),
    Column("suggestion", Text, nullable=False, default=""),
    Column("source", Text, nullable=False, default=""),
    Column("updated_at", String(40), nullable=False),
)

allowlist = Table(
    "allowlist", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("phrase", Text, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("created_at", String(40), nullable=False),
    UniqueConstraint("phrase", name="uq_allowlist_phrase"),
)

audit = Table(
    "audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(20), nullable=False),
    Column("entity", String(20), nullable=False),
    Column("entity_id", Text, nullable=True),
    Column("before", Text, nullable=True),   # JSON
    Column("after", Text, nullable=True),    # JSON
)


def _v1(conn: Connection) -> None:
    for t in (meta, brands, terms, allowlist, audit):
        t.create(conn, checkfirst=True)


jobs = Table(
    "jobs", metadata,
    Column("id", String(64), primary_key=True),
    Column("status", String(16), nullable=False),       # queued, running, done, failed, cancelled
    Column("filename", Text, nullable=False, default=""),
    Column("format", String(8), nullable=False),
    Column("options", Text, nullable=False, default="{}"),  # JSON: mapping, format
    Column("callback_url", Text, nullable=True),
    Column("input_path", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("started_at", String(40), nullable=True),
    Column("finished_at", String(40), nullable=True),
    Column("heartbeat", String(40), nullable=True),      # the runner's last sign of life
    Column("runner", String(64), nullable=True),
    Column("total_rows", Integer, nullable=True),
    Column("rows_done", Integer, nullable=False, default=0),
    Column("counts", Text, nullable=False, default="{}"),  # JSON: verdict -> rows, "error" -> rows
    Column("list_version", String(40), nullable=True),
    Column("error", Text, nullable=True),
    Column("cancel_requested", Integer, nullable=False, default=0),
    Column("callback_status", Text, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
)

job_results = Table(
    "job_results", metadata,
    Column("job_id", String(64), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),  # 0-based order of the input rows
    Column("row_number", Integer, nullable=False),
    Column("sku", Text, nullable=True),
    Column("verdict", String(10), nullable=True),
    Column("risk_score", Integer, nullable=True),
    Column("error", Text, nullable=True),
    Column("result", Text, nullable=True),  # JSON: the full screening result (hits...)
)


def _v2(conn: Connection) -> None:
    for t in (jobs, job_results):
        t.create(conn, checkfirst=True)


# (version, what it does, function): append only; never edit an applied migration
MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "brands, terms, allowlist, audit log, meta", _v1),
    (2, "catalogue jobs and their result rows", _v2),
]
