"""Errors as the API answers them: `{"error": {"code", "message", "field"}}`."""
from __future__ import annotations

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


def error_body(status: int, code: str, message: str, field: str | None = None,
               headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps({"error": {"code": code, "message": message, "field": field}}),
                    status_code=status, media_type="application/json", headers=headers)


def install(app: FastAPI) -> None:
    async def _api_error(_request: Request, exc: ApiError) -> Response:
        return error_body(exc.status, exc.code, exc.message, exc.field, exc.headers)

    app.add_exception_handler(ApiError, _api_error)
