"""Reading and changing the lists in the database.

Every change runs in one transaction that also bumps the list revision and writes the
audit row, so a reader sees either all of a change or none of it, and every worker or
instance watching the revision picks the change up.
"""
from __future__ import annotations

import csv
import io
import json
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Integer,
    Text,
    cast,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.schema import CreateTable

from app.engine.models import Lists
from app.lists.loader import (
    BRAND_COLUMNS,
    TERM_COLUMNS,
    ListError,
    _rows,
    list_files,
    lists_from_records,
    parse_brand,
    parse_term,
    records_version,
)
from app.store import schema as S

_TABLES = {"brands": S.brands, "terms": S.terms}
_COLUMNS = {"brands": BRAND_COLUMNS, "terms": TERM_COLUMNS}
_PARSERS = {"brands": parse_brand, "terms": parse_term}
_SEARCH = {"brands": ("id", "name", "aliases", "zh_names", "submarks", "owner"),
           "terms": ("id", "forms", "category", "reason")}
_IN_CHUNK = 500  # ids per IN (...) list


class NotFound(LookupError):
    pass


class Conflict(ValueError):
    pass


class AuthError(PermissionError):
    pass


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")      # readers never wait for the writer
    cur.execute("PRAGMA busy_timeout=10000")    # writers queue instead of failing
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


_MIGRATE_ATTEMPTS = 100  # about five seconds of looking again


def open_store(url: str, *, migrate: bool = True) -> Store:
    """Open (and migrate) the store at a SQLAlchemy URL: sqlite:///var/prescreen.db,
    postgresql+psycopg://user:pass@host/db."""
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 10}
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    store = Store(engine)
    if migrate:
        store.migrate()
    return store


@dataclass(frozen=True)
class Snapshot:
    """Everything the engine is built from, read in one transaction."""

    revision: int
    brands: list[dict[str, str]]
    terms: list[dict[str, str]]
    allow: list[str]


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ---- schema ---------------------------------------------------------------------
    def migrate(self) -> list[int]:
        """Apply the migrations not yet applied; safe when several processes start at once
        (uvicorn's workers do): the loser of a race for the database's write lock or for a
        migration's row looks again, briefly, until the winner's work is visible."""
        applied: list[int] = []
        for attempt in range(_MIGRATE_ATTEMPTS):
            try:
                self._migrate_once(applied)
                return applied
            except (OperationalError, ProgrammingError, IntegrityError):
                if attempt == _MIGRATE_ATTEMPTS - 1:
                    raise
                time.sleep(0.02 + random.random() * 0.08)
        return applied

    def _migrate_once(self, applied: list[int]) -> None:
        with self.engine.begin() as conn:
            conn.execute(CreateTable(S.schema_migrations, if_not_exists=True))
        for version, _what, fn in S.MIGRATIONS:
            try:
                with self.engine.begin() as conn:
                    done = conn.execute(select(S.schema_migrations.c.version)
                                        .where(S.schema_migrations.c.version == version)).first()
                    if done:
                        continue
                    conn.execute(insert(S.schema_migrations).values(version=version, applied_at=_now()))
                    fn(conn)
                    if version == 1:
                        conn.execute(insert(S.meta).values(key="revision", value="0"))
                applied.append(version)
            except IntegrityError:
                continue  # another process applied it first

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(S.schema_migrations.c.version))).scalar() or 0

    # ---- revision -------------------------------------------------------------------
    def revision(self) -> int:
        with self.engine.connect() as conn:
            return self._revision(conn)

    @staticmethod
    def _revision(conn: Connection) -> int:
        v = conn.execute(select(S.meta.c.value).where(S.meta.c.key == "revision")).scalar()
        return int(v or 0)

    @staticmethod
    def _bump(conn: Connection) -> None:
        conn.execute(update(S.meta).where(S.meta.c.key == "revision")
                     .values(value=cast(cast(S.meta.c.value, Integer) + 1, Text)))

    @staticmethod
    def _audit(conn: Connection, actor: str, action: str, entity: str, entity_id: str | None,
               before: Any, after: Any) -> None:
        conn.execute(insert(S.audit).values(
            at=_now(), actor=actor, action=action, entity=entity, entity_id=entity_id,
            before=None if before is None else json.dumps(before, ensure_ascii=False),
            after=None if after is None else json.dumps(after, ensure_ascii=False)))

    # ---- seeding --------------------------------------------------------------------
    def seeded(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(S.meta.c.value).where(S.meta.c.key == "seeded")).first() is not None

    def seed_from(self, data_dir: Path) -> bool:
        """Fill an empty store from data/ once (the first process to start does it)."""
        if self.seeded():
            return False
        files = list_files(data_dir)
        brand_rows = [(f"{p}:{line}", row) for p in files[:-3] for line, row in _rows(p, BRAND_COLUMNS)]
        term_rows = [(f"{files[-3]}:{line}", row) for line, row in _rows(files[-3], TERM_COLUMNS)]
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(S.meta).values(key="seeded", value=_now()))
                for kind, rows in (("brands", brand_rows), ("terms", term_rows)):
                    records = self._check(kind, rows)
                    self._insert(conn, kind, records)
                    self._audit(conn, "seed", "import", kind, None, None,
                                {"source": str(data_dir), "created": len(records)})
                self._bump(conn)
        except IntegrityError:
            return False  # another process seeded it
        return True

    # ---- records --------------------------------------------------------------------
    def _check(self, kind: str, rows: Iterable[tuple[str, dict[str, str]]]) -> list[dict[str, str]]:
        """Validate records (all of them, before anything is written): the first problem
        raises ListError naming its place; ids must be unique."""
        parse = _PARSERS[kind]
        cols = _COLUMNS[kind]
        seen: dict[str, str] = {}
        out = []
        for where, row in rows:
            parse(where, row)
            rec = {c: (row.get(c) or "").strip() for c in cols}
            if rec["id"] in seen:
                raise ListError(f"{where}: duplicate id {rec['id']!r} (first at {seen[rec['id']]})")
            seen[rec["id"]] = where
            out.append(rec)
        return out

    @staticmethod
    def _insert(conn: Connection, kind: str, records: list[dict[str, str]]) -> None:
        now = _now()
        table = _TABLES[kind]
        for i in range(0, len(records), 5000):
            conn.execute(insert(table), [{**r, "updated_at": now} for r in records[i:i + 5000]])

    @staticmethod
    def _public(kind: str, row) -> dict[str, str]:
        return {c: getattr(row, c) for c in (*_COLUMNS[kind], "updated_at")}

    def search(self, kind: str, *, q: str | None = None, limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
        table = _TABLES[kind]
        cond = None
        if q:
            like = f"%{q.lower()}%"
            cond = or_(*(func.lower(table.c[c]).like(like) for c in _SEARCH[kind]))
        with self.engine.connect() as conn:
            total_q = select(func.count()).select_from(table)
            rows_q = select(table).order_by(table.c.id).limit(limit).offset(offset)
            if cond is not None:
                total_q = total_q.where(cond)
                rows_q = rows_q.where(cond)
            total = conn.execute(total_q).scalar() or 0
            return [self._public(kind, r) for r in conn.execute(rows_q)], total

    def get(self, kind: str, ident: str) -> dict[str, str]:
        table = _TABLES[kind]
        with self.engine.connect() as conn:
            row = conn.execute(select(table).where(table.c.id == ident)).first()
        if row is None:
            raise NotFound(f"no {kind[:-1]} with id {ident!r}")
        return self._public(kind, row)

    def create(self, kind: str, record: dict[str, str], actor: str) -> dict[str, str]:
        rec = self._check(kind, [("body", record)])[0]
        table = _TABLES[kind]
        try:
            with self.engine.begin() as conn:
                if conn.execute(select(table.c.id).where(table.c.id == rec["id"])).first():
                    raise Conflict(f"a {kind[:-1]} with id {rec['id']!r} exists; use PUT to change it")
                self._insert(conn, kind, [rec])
                self._audit(conn, actor, "create", kind, rec["id"], None, rec)
                self._bump(conn)
        except IntegrityError:
            raise Conflict(f"a {kind[:-1]} with id {rec['id']!r} exists; use PUT to change it") from None
        return self.get(kind, rec["id"])

    def replace(self, kind: str, ident: str, record: dict[str, str], actor: str) -> dict[str, str]:
        record = {**record, "id": record.get("id") or ident}
        if record["id"] != ident:
            raise ListError(f"body.id: {record['id']!r} differs from the id in the path {ident!r}")
        rec = self._check(kind, [("body", record)])[0]
        table = _TABLES[kind]
        with self.engine.begin() as conn:
            old = conn.execute(select(table).where(table.c.id == ident)).first()
            if old is None:
                raise NotFound(f"no {kind[:-1]} with id {ident!r}")
            before = {c: getattr(old, c) for c in _COLUMNS[kind]}
            conn.execute(update(table).where(table.c.id == ident).values(**rec, updated_at=_now()))
            self._audit(conn, actor, "update", kind, ident, before, rec)
            self._bump(conn)
        return self.get(kind, ident)

    def delete(self, kind: str, ident: str, actor: str) -> None:
        table = _TABLES[kind]
        with self.engine.begin() as conn:
            old = conn.execute(select(table).where(table.c.id == ident)).first()
            if old is None:
                raise NotFound(f"no {kind[:-1]} with id {ident!r}")
            conn.execute(delete(table).where(table.c.id == ident))
            self._audit(conn, actor, "delete", kind, ident, {c: getattr(old, c) for c in _COLUMNS[kind]}, None)
            self._bump(conn)

    def import_records(self, kind: str, rows: Iterable[tuple[str, dict[str, str]]], actor: str,
                       *, replace: bool = False) -> dict[str, int]:
        """Upsert many records in one transaction: all of them or none (the first bad record
        raises ListError naming its line). With replace, records not in the input are
        deleted."""
        records = self._check(kind, rows)
        table = _TABLES[kind]
        cols = _COLUMNS[kind]
        with self.engine.begin() as conn:
            existing = {r.id: {c: getattr(r, c) for c in cols} for r in conn.execute(select(table))}
            incoming = {r["id"] for r in records}
            created = [r for r in records if r["id"] not in existing]
            changed = [r for r in records if r["id"] in existing and existing[r["id"]] != r]
            gone = sorted(set(existing) - incoming) if replace else []
            stale = [r["id"] for r in changed] + gone
            for i in range(0, len(stale), _IN_CHUNK):
                conn.execute(delete(table).where(table.c.id.in_(stale[i:i + _IN_CHUNK])))
            self._insert(conn, kind, created + changed)
            counts = {"created": len(created), "updated": len(changed), "deleted": len(gone),
                      "unchanged": len(records) - len(created) - len(changed)}
            if created or changed or gone:
                self._audit(conn, actor, "import", kind, None,
                            {"updated": [existing[r["id"]] for r in changed], "deleted": [existing[i] for i in gone]},
                            {**counts, "created_ids": [r["id"] for r in created],
                             "updated_ids": [r["id"] for r in changed]})
                self._bump(conn)
        return counts

    def export(self, kind: str) -> list[dict[str, str]]:
        table = _TABLES[kind]
        with self.engine.connect() as conn:
            return [{c: getattr(r, c) for c in _COLUMNS[kind]} for r in conn.execute(select(table).order_by(table.c.id))]

    # ---- allowlist ------------------------------------------------------------------
    def allow_list(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [{str(k): v for k, v in r._mapping.items()} for r in conn.execute(select(S.allowlist).order_by(S.allowlist.c.id))]

    def allow_add(self, phrase: str, note: str, actor: str) -> dict[str, Any]:
        phrase = " ".join(phrase.split())
        if not phrase:
            raise ListError("phrase: must not be empty")
        if len(phrase) > 200:
            raise ListError("phrase: at most 200 characters")
        try:
            with self.engine.begin() as conn:
                new_id = conn.execute(insert(S.allowlist).values(phrase=phrase, note=note or "", created_at=_now())
                                      .returning(S.allowlist.c.id)).scalar()
                self._audit(conn, actor, "create", "allowlist", str(new_id), None, {"phrase": phrase, "note": note or ""})
                self._bump(conn)
        except IntegrityError:
            raise Conflict(f"the phrase {phrase!r} is already allowed") from None
        return {"id": new_id, "phrase": phrase, "note": note or ""}

    def allow_delete(self, ident: int, actor: str) -> None:
        with self.engine.begin() as conn:
            old = conn.execute(select(S.allowlist).where(S.allowlist.c.id == ident)).first()
            if old is None:
                raise NotFound(f"no allowlist entry with id {ident}")
            conn.execute(delete(S.allowlist).where(S.allowlist.c.id == ident))
            self._audit(conn, actor, "delete", "allowlist", str(ident), {"phrase": old.phrase, "note": old.note}, None)
            self._bump(conn)

    # ---- audit ----------------------------------------------------------------------
    def audit_log(self, *, entity: str | None = None, entity_id: str | None = None,
                  limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        a = S.audit
        conds = []
        if entity:
            conds.append(a.c.entity == entity)
        if entity_id:
            conds.append(a.c.entity_id == entity_id)
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(a).where(*conds)).scalar() or 0
            rows = conn.execute(select(a).where(*conds).order_by(a.c.id.desc()).limit(limit).offset(offset))
            out = []
            for r in rows:
                d = {str(k): v for k, v in r._mapping.items()}
                d["before"] = json.loads(d["before"]) if d["before"] else None
                d["after"] = json.loads(d["after"]) if d["after"] else None
                out.append(d)
        return out, total

    # ---- for the engine -------------------------------------------------------------
    def lists_source(self, data_dir: Path) -> tuple[str, Callable[[], Lists], int]:
        """The version of the lists as stored now, a function that parses them (only needed
        when no engine of that version is at hand), and the revision they are from."""
        snap = self.snapshot()
        version = records_version(snap.brands, snap.terms, snap.allow, data_dir)
        return (version, lambda: lists_from_records(snap.brands, snap.terms, snap.allow, data_dir, version),
                snap.revision)

    def snapshot(self) -> Snapshot:
        with self.engine.connect() as conn, conn.begin():
            rev = self._revision(conn)
            b = [{c: getattr(r, c) for c in BRAND_COLUMNS} for r in conn.execute(select(S.brands).order_by(S.brands.c.id))]
            t = [{c: getattr(r, c) for c in TERM_COLUMNS} for r in conn.execute(select(S.terms).order_by(S.terms.c.id))]
            allow = [r.phrase for r in conn.execute(select(S.allowlist.c.phrase).order_by(S.allowlist.c.id))]
        return Snapshot(rev, b, t, allow)


# ---- CSV ------------------------------------------------------------------------------
def read_csv(kind: str, text: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Records of an uploaded CSV (header must be the kind's columns; extra columns are an
    error, missing optional ones are empty). Yields ("line N", record)."""
    cols = _COLUMNS[kind]
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if not header:
        raise ListError("line 1: empty file; the header must be " + ",".join(cols))
    header = [h.strip() for h in header]
    unknown = [h for h in header if h not in cols]
    if unknown or "id" not in header:
        raise ListError(f"line 1: header {','.join(header)!r} has unknown columns {unknown}; "
                        f"the columns are {','.join(cols)}")
    for row in reader:
        if not row or not any(c.strip() for c in row):
            continue
        line = reader.line_num
        if len(row) != len(header):
            raise ListError(f"line {line}: {len(row)} fields, the header has {len(header)}")
        yield f"line {line}", dict(zip(header, row))


def write_csv(kind: str, records: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(_COLUMNS[kind]), lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(records)
    return buf.getvalue()
