"""Catalogue jobs: stored in the list database, run off the request path by worker
processes, resumed after a restart.

A job's rows are screened in order, in chunks; each chunk's results and the job's progress
are written in one transaction, so after a crash or restart the job resumes after its last
stored chunk (a job whose runner stopped sending heartbeats is taken over). Nothing is
dropped: every input row gets exactly one result row, an error row when it could not be
read or screened.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import shutil
import threading
import time
import uuid
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import delete, func, insert, select, update

from app.catalogue import work
from app.catalogue.reader import CatalogueError, read_catalogue
from app.store import Store
from app.store import schema as S

log = logging.getLogger("prescreen")

STALE_SECONDS = 30.0   # a running job without a heartbeat this long is taken over
MAX_ATTEMPTS = 3       # runs of a job whose worker processes keep dying
IDLE_POOL_SECONDS = 300.0  # worker processes are stopped after this long without a job
ACTIVE = ("queued", "running")


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(t: datetime | None = None) -> str:
    return (t or _now()).isoformat(timespec="milliseconds")


class JobError(ValueError):
    """A job cannot be created (the message names the field)."""

    def __init__(self, field: str, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


class Jobs:
    """Job records in the store's database."""

    def __init__(self, store: Store, jobs_dir: Path, retention_hours: float) -> None:
        self.store = store
        self.db = store.engine
        self.jobs_dir = jobs_dir
        self.retention = timedelta(hours=retention_hours)

    # ---- creating ---------------------------------------------------------------------
    def create(self, upload: Path, filename: str, *, mapping: dict | None, fmt: str | None,
               callback_url: str | None, max_rows: int) -> dict[str, Any]:
        """Check the uploaded file (readable, a header with a text column) and queue it."""
        try:
            m, rows = read_catalogue(upload, filename, mapping, fmt)
            first = next(rows, None)
        except CatalogueError as exc:
            msg = str(exc)
            raise JobError(msg.split(":", 1)[0], msg) from None
        if first is None:
            raise JobError("file", "file: no data rows after the header")
        job_id = uuid.uuid4().hex
        folder = self.jobs_dir / job_id
        folder.mkdir(parents=True, exist_ok=True)
        dest = folder / ("input" + Path(filename or "upload").suffix.lower())
        shutil.move(str(upload), dest)
        options = {"mapping": mapping, "columns": m.describe(), "max_rows": max_rows}
        with self.db.begin() as conn:
            conn.execute(insert(S.jobs).values(
                id=job_id, status="queued", filename=filename or "", format=m.format, options=json.dumps(options),
                callback_url=callback_url, input_path=str(dest), created_at=_iso(), rows_done=0, counts="{}",
                cancel_requested=0, attempts=0))
        return self.get(job_id)

    # ---- reading ----------------------------------------------------------------------
    def get(self, job_id: str) -> dict[str, Any] | None:
        with self.db.connect() as conn:
            r = conn.execute(select(S.jobs).where(S.jobs.c.id == job_id)).first()
        return self._public(r) if r else None

    def list(self, limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
        with self.db.connect() as conn:
            total = conn.execute(select(func.count()).select_from(S.jobs)).scalar() or 0
            rows = conn.execute(select(S.jobs).order_by(S.jobs.c.created_at.desc()).limit(limit).offset(offset))
            return [self._public(r) for r in rows], total

    @staticmethod
    def _public(r) -> dict[str, Any]:
        options = json.loads(r.options or "{}")
        return {
            "id": r.id, "status": r.status, "filename": r.filename, "format": r.format,
            "columns": options.get("columns"), "created_at": r.created_at, "started_at": r.started_at,
            "finished_at": r.finished_at, "total_rows": r.total_rows, "rows_done": r.rows_done,
            "counts": json.loads(r.counts or "{}"), "list_version": r.list_version, "error": r.error,
            "cancel_requested": bool(r.cancel_requested), "callback_url": r.callback_url,
            "callback_status": r.callback_status,
        }

    def results(self, job_id: str, batch: int = 2000):
        """Result rows in input order (generator; reads in batches)."""
        seq = -1
        while True:
            with self.db.connect() as conn:
                rows = conn.execute(select(S.job_results).where(S.job_results.c.job_id == job_id,
                                                                 S.job_results.c.seq > seq)
                                    .order_by(S.job_results.c.seq).limit(batch)).all()
            if not rows:
                return
            for r in rows:
                yield {"row": r.row_number, "sku": r.sku, "verdict": r.verdict, "risk_score": r.risk_score,
                       "error": r.error, "result": json.loads(r.result) if r.result else None}
            seq = rows[-1].seq

    # ---- changing ---------------------------------------------------------------------
    def cancel(self, job_id: str) -> dict[str, Any] | None:
        with self.db.begin() as conn:
            r = conn.execute(select(S.jobs.c.status).where(S.jobs.c.id == job_id)).first()
            if r is None:
                return None
            if r.status == "queued":
                conn.execute(update(S.jobs).where(S.jobs.c.id == job_id)
                             .values(status="cancelled", finished_at=_iso(), cancel_requested=1))
            elif r.status == "running":
                conn.execute(update(S.jobs).where(S.jobs.c.id == job_id).values(cancel_requested=1))
        return self.get(job_id)

    def claim(self, runner: str, stale_seconds: float = STALE_SECONDS) -> dict[str, Any] | None:
        """Take the oldest queued job, or a running one whose runner went quiet."""
        stale = _iso(_now() - timedelta(seconds=stale_seconds))
        with self.db.connect() as conn:
            cands = conn.execute(select(S.jobs.c.id, S.jobs.c.status, S.jobs.c.heartbeat)
                                 .where(S.jobs.c.status.in_(ACTIVE)).order_by(S.jobs.c.created_at)).all()
        for c in cands:
            if c.status == "running" and c.heartbeat and c.heartbeat > stale:
                continue
            with self.db.begin() as conn:
                cond = [S.jobs.c.id == c.id, S.jobs.c.status == c.status]
                if c.status == "running":
                    cond.append(S.jobs.c.heartbeat == c.heartbeat)
                res = conn.execute(update(S.jobs).where(*cond).values(
                    status="running", runner=runner, heartbeat=_iso(), attempts=S.jobs.c.attempts + 1,
                    started_at=func.coalesce(S.jobs.c.started_at, _iso())))
                if res.rowcount == 1:  # ours: read it back in the same transaction, as updated
                    return dict(conn.execute(select(S.jobs).where(S.jobs.c.id == c.id)).first()._mapping)
        return None

    def store_chunk(self, job_id: str, runner: str, start_seq: int, results: list[dict], counts: dict[str, int],
                    list_version: str | None) -> bool:
        """Write a chunk's results and progress together; False if the job is no longer ours."""
        with self.db.begin() as conn:
            res = conn.execute(update(S.jobs).where(S.jobs.c.id == job_id, S.jobs.c.runner == runner,
                                                    S.jobs.c.status == "running")
                               .values(rows_done=start_seq + len(results), counts=json.dumps(counts),
                                       heartbeat=_iso(), list_version=list_version))
            if res.rowcount != 1:
                return False
            if results:
                conn.execute(insert(S.job_results), [
                    {"job_id": job_id, "seq": start_seq + i, "row_number": r["row"], "sku": r.get("sku"),
                     "verdict": r.get("verdict"), "risk_score": r.get("risk_score"), "error": r.get("error"),
                     "result": json.dumps(r["result"], ensure_ascii=False) if r.get("result") else None}
                    for i, r in enumerate(results)])
        return True

    def set_total(self, job_id: str, total: int) -> None:
        with self.db.begin() as conn:
            conn.execute(update(S.jobs).where(S.jobs.c.id == job_id).values(total_rows=total, heartbeat=_iso()))

    def finish(self, job_id: str, runner: str, status: str, error: str | None = None) -> None:
        with self.db.begin() as conn:
            conn.execute(update(S.jobs).where(S.jobs.c.id == job_id, S.jobs.c.runner == runner)
                         .values(status=status, finished_at=_iso(), error=error, heartbeat=_iso()))

    def requeue(self, job_id: str, runner: str) -> None:
        with self.db.begin() as conn:
            conn.execute(update(S.jobs).where(S.jobs.c.id == job_id, S.jobs.c.runner == runner)
                         .values(status="queued", runner=None))

    def cancel_requested(self, job_id: str) -> bool:
        with self.db.connect() as conn:
            return bool(conn.execute(select(S.jobs.c.cancel_requested).where(S.jobs.c.id == job_id)).scalar())

    def set_callback_status(self, job_id: str, status: str) -> None:
        with self.db.begin() as conn:
            conn.execute(update(S.jobs).where(S.jobs.c.id == job_id).values(callback_status=status))

    def sweep(self) -> int:
        """Forget finished jobs older than the retention time (rows, results, input file)."""
        cutoff = _iso(_now() - self.retention)
        with self.db.connect() as conn:
            old = [r.id for r in conn.execute(select(S.jobs.c.id).where(
                S.jobs.c.status.in_(("done", "failed", "cancelled")), S.jobs.c.finished_at < cutoff))]
        for job_id in old:
            with self.db.begin() as conn:
                conn.execute(delete(S.job_results).where(S.job_results.c.job_id == job_id))
                conn.execute(delete(S.jobs).where(S.jobs.c.id == job_id))
            shutil.rmtree(self.jobs_dir / job_id, ignore_errors=True)
        return len(old)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class JobRunner:
    """Runs jobs one after another in a background thread, the screening itself in a pool
    of worker processes; sends callbacks from their own threads."""

    def __init__(self, jobs: Jobs, *, source: dict[str, Any], workers: int, current_revision,
                 callback_secret: str, callback_delays: tuple[float, ...] = (1, 2, 4, 8, 16, 32),
                 poll: float = 0.5, stale_seconds: float = STALE_SECONDS) -> None:
        self.stale_seconds = stale_seconds
        self.jobs = jobs
        self.source = source
        self.workers = max(1, workers)
        self.current_revision = current_revision  # () -> int | None: lists the service uses now
        self.callback_secret = callback_secret
        self.callback_delays = callback_delays
        self.poll = poll
        self.name = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._pool = None
        self._thread: threading.Thread | None = None
        self._last_sweep = 0.0
        self._last_job = time.monotonic()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="job-runner", daemon=True)
        self._thread.start()

    def poke(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        """Shut down: the job in progress goes back to the queue (it resumes after its last
        stored chunk at the next start, here or in another instance)."""
        self._stop.set()
        self._wake.set()
        if self._pool is not None:
            work.stop_pool(self._pool)
        if self._thread is not None:
            self._thread.join(timeout=15)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if time.monotonic() - self._last_sweep > 600:
                    self.jobs.sweep()
                    self._last_sweep = time.monotonic()
                job = self.jobs.claim(self.name, self.stale_seconds)
                if job is not None:
                    self._run_job(job)
                    self._last_job = time.monotonic()
                    continue
                if self._pool is not None and time.monotonic() - self._last_job > IDLE_POOL_SECONDS:
                    work.stop_pool(self._pool)  # idle workers give their memory back
                    self._pool = None
            except Exception:
                log.exception("job runner")
            self._wake.wait(self.poll)
            self._wake.clear()

    def _get_pool(self):
        if self._pool is None:
            self._pool = work.pool(self.workers, self.source)
        return self._pool

    def _run_job(self, job: dict[str, Any]) -> None:
        job_id = job["id"]
        options = json.loads(job["options"] or "{}")
        try:
            _, rows = read_catalogue(Path(job["input_path"]), job["filename"], options.get("mapping"), job["format"])
            if job["total_rows"] is None:
                total = sum(1 for _ in rows)
                if total > options.get("max_rows", float("inf")):
                    self.jobs.finish(job_id, self.name, "failed",
                                     f"the file has {total} rows; at most {options['max_rows']} per job")
                    self._callback(job_id)
                    return
                self.jobs.set_total(job_id, total)
                _, rows = read_catalogue(Path(job["input_path"]), job["filename"], options.get("mapping"), job["format"])
            done = job["rows_done"] or 0
            counts: dict[str, int] = json.loads(job["counts"] or "{}")
            for _ in range(done):  # resume after the last stored chunk
                next(rows, None)
            self._screen(job_id, rows, done, counts)
            if self._stop.is_set() and (self.jobs.get(job_id) or {}).get("status") == "running":
                self.jobs.requeue(job_id, self.name)
                return
        except BaseException as exc:
            if self._stop.is_set():
                self.jobs.requeue(job_id, self.name)  # shutting down: resume at the next start
                return
            if not isinstance(exc, Exception):
                raise
            self._failed(job, exc)
        self._callback(job_id)

    def _failed(self, job: dict[str, Any], exc: Exception) -> None:
        job_id = job["id"]
        if isinstance(exc, BrokenProcessPool):
            # a worker process died (killed, out of memory): start new ones and try again
            self._pool = None
            if job["attempts"] < MAX_ATTEMPTS:
                log.warning("job %s: worker process lost; the job is queued again", job_id)
                self.jobs.requeue(job_id, self.name)
                return
            self.jobs.finish(job_id, self.name, "failed", f"worker processes died {MAX_ATTEMPTS} times")
            return
        log.error("job %s failed: %s: %s", job_id, type(exc).__name__, exc)
        self.jobs.finish(job_id, self.name, "failed", f"{type(exc).__name__}: {exc}")

    def _screen(self, job_id: str, rows, seq: int, counts: dict[str, int]) -> None:
        version = None
        chunks = work.screen_ordered(self._get_pool(), rows, depth=self.workers * 2, revision=self.current_revision)
        try:
            for results in chunks:
                work.count_verdicts(counts, results)
                version = next((r["result"]["list_version"] for r in reversed(results) if r.get("result")), version)
                if not self.jobs.store_chunk(job_id, self.name, seq, results, counts, version):
                    return  # taken over by another runner
                seq += len(results)
                if self._stop.is_set():
                    return  # shutting down: the job stays 'running' and is resumed later
                if self.jobs.cancel_requested(job_id):
                    self.jobs.finish(job_id, self.name, "cancelled")
                    return
        finally:
            chunks.close()
        self.jobs.finish(job_id, self.name, "done")

    # ---- callbacks ----------------------------------------------------------------------
    def _callback(self, job_id: str) -> None:
        job = self.jobs.get(job_id)
        if not job or not job.get("callback_url") or job["status"] not in ("done", "failed", "cancelled"):
            return
        threading.Thread(target=self._send, args=(job,), name=f"callback-{job_id[:8]}", daemon=True).start()

    def _send(self, job: dict[str, Any]) -> None:
        summary = {k: job[k] for k in ("id", "status", "filename", "total_rows", "rows_done", "counts",
                                       "list_version", "error", "created_at", "finished_at")}
        summary["results"] = {"csv": f"/v1/jobs/{job['id']}/results?format=csv",
                              "jsonl": f"/v1/jobs/{job['id']}/results?format=jsonl"}
        body = json.dumps(summary, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", "X-Prescreen-Event": "job.finished"}
        if self.callback_secret:
            headers["X-Prescreen-Signature"] = sign(self.callback_secret, body)
        last = ""
        for attempt, delay in enumerate((0.0, *self.callback_delays), start=1):
            if delay:
                time.sleep(delay)
            try:
                r = httpx.post(job["callback_url"], content=body, headers=headers, timeout=10)
                if r.status_code < 300:
                    self.jobs.set_callback_status(job["id"], f"delivered (HTTP {r.status_code}, attempt {attempt})")
                    return
                last = f"HTTP {r.status_code}"
            except httpx.HTTPError as exc:
                last = f"{type(exc).__name__}"
            self.jobs.set_callback_status(job["id"], f"retrying ({last}, attempt {attempt})")
        self.jobs.set_callback_status(job["id"], f"failed after {len(self.callback_delays) + 1} attempts ({last})")
