"""Shared fixtures: the engine built from the shipped lists, and a real uvicorn server."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
# engine snapshots written by the test servers: one directory for the session, never var/
ENGINE_CACHE = tempfile.mkdtemp(prefix="prescreen-test-engines-")
# ... for every process the tests start (the CLI too), so nothing lands in the checkout's var/
os.environ.setdefault("PRESCREEN_ENGINE_CACHE_DIR", ENGINE_CACHE)


@pytest.fixture(scope="session")
def engine():
    from app.lists import build_engine

    return build_engine()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(env or {})
        if "PRESCREEN_DATABASE_URL" not in env:  # a list store of its own, seeded from data/
            self._tmp = tempfile.TemporaryDirectory(prefix="prescreen-test-")
            env["PRESCREEN_DATABASE_URL"] = f"sqlite:///{self._tmp.name}/lists.db"
        env.setdefault("PRESCREEN_ENGINE_CACHE_DIR", ENGINE_CACHE)
        full_env = dict(os.environ, **env)
        # the server's output goes to a file (a pipe nobody reads could fill up and stall it)
        # open for the server's lifetime, closed in stop()
        self.log = tempfile.NamedTemporaryFile(prefix="prescreen-server-", suffix=".log", delete=False)  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "app.api.main:app_factory",
             "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"],
            cwd=ROOT, env=full_env, stdout=self.log, stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return Path(self.log.name).read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.output()}")
            try:
                r = httpx.get(self.url + "/readyz", timeout=1.0)
                if r.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server not ready in time")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


@pytest.fixture(scope="session")
def server():
    srv = Server()
    try:
        srv.wait_ready()
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def client(server):
    with httpx.Client(base_url=server.url, timeout=60.0) as c:
        yield c
