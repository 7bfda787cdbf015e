"""Service configuration, read once from PRESCREEN_* environment variables."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.lists.loader import default_data_dir


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PRESCREEN_", env_file=None, extra="ignore")

    host: str = Field("127.0.0.1", description="address `prescreen serve` binds to")
    port: int = Field(8000, ge=1, le=65535, description="port `prescreen serve` listens on")
    workers: int = Field(1, ge=1, le=64, description="worker processes for `prescreen serve`")
    data_dir: Path = Field(default_factory=default_data_dir, description="directory holding the lists")
    max_body_bytes: int = Field(1_048_576, ge=1024, description="largest request body for POST /v1/screen")
    max_batch_body_bytes: int = Field(64 * 1_048_576, ge=1024, description="largest request body for POST /v1/screen/batch")
    max_batch_items: int = Field(10_000, ge=1, description="most listings in one batch")
    max_field_chars: int = Field(100_000, ge=100, description="longest text field (title, bullet, description, search terms)")
    max_bullets: int = Field(50, ge=1, description="most bullets in one listing")
    docs_enabled: bool = Field(True, description="serve /docs and /openapi.json")
    database_url: str = Field("sqlite:///var/prescreen.db",
                              description="list store (SQLAlchemy URL); SQLite file by default, relative to the working directory")
    api_keys: str = Field("", description="comma-separated API keys for list writes; 'name:key' names the key in the audit log")
    reads_need_key: bool = Field(False, description="require an API key for reading the lists and the audit log too")
    jobs_need_key: bool = Field(False, description="require an API key for catalogue jobs (upload, status, results)")
    reload_interval: float = Field(1.0, gt=0, le=60, description="seconds between checks for list changes made elsewhere")
    jobs_dir: Path = Field(Path("var/jobs"), description="where uploaded catalogue files are kept while their jobs live")
    max_upload_bytes: int = Field(256 * 1_048_576, ge=1024, description="largest catalogue file for POST /v1/jobs")
    max_job_rows: int = Field(1_000_000, ge=1, description="most rows in one catalogue job")
    job_workers: int = Field(0, ge=0, le=64,
                             description="worker processes screening jobs, per server process (0: cores / PRESCREEN_WORKERS)")
    job_retention_hours: float = Field(168.0, gt=0, description="how long finished jobs and their results are kept")
    callback_secret: str = Field("", description="HMAC-SHA256 key signing job callbacks (X-Prescreen-Signature)")
    job_stale_seconds: float = Field(30.0, gt=0, description="a running job whose runner was silent this long is taken over")
    engine_cache_dir: str = Field("var/engine-cache",
                                  description="where built engines are kept by list version, so a restart, a job "
                                              "worker or `prescreen check` loads instead of building ('' keeps none)")
    log_level: str = Field("info", description="uvicorn log level")

    @property
    def engine_cache(self) -> Path | None:
        return Path(self.engine_cache_dir) if self.engine_cache_dir.strip() else None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
