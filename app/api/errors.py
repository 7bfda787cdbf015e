"""Responses as the API writes them, errors as `{"error": {"code", "message", "field"}}`."""
from __future__ import annotations

from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.responses import Response


class ApiError(Exception):
    """Raised by a handler (or what it calls) to answer with an error body."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers


def json_response(obj: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(obj), status_code=status, media_type="application/json")


def error_response(status: int, code: str, message: str, field: str | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    resp = json_response({"error": {"code": code, "message": message, "field": field}}, status)
    if headers:
        resp.headers.update(headers)
    return resp


def install(app: FastAPI) -> None:
    async def _api_error(_request: Request, exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.field, exc.headers)

    app.add_exception_handler(ApiError, _api_error)
