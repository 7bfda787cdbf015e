"""ASGI middleware that refuses request bodies over a size limit with 413."""
from __future__ import annotations

import orjson


class BodySizeLimit:
    """Reads the body up to the route's limit; past it, answers 413 without calling the app."""

    def __init__(self, app, *, limits: dict[str, int], default: int) -> None:
        self.app = app
        self.limits = limits
        self.default = default

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        limit = self.limits.get(scope["path"].rstrip("/"), self.default)
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    if int(value) > limit:
                        return await self._too_large(send, limit)
                except ValueError:
                    pass
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
                return await self._too_large(send, limit)
            chunks.append(body)
            if not message.get("more_body", False):
                break
        whole = b"".join(chunks)
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": whole, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)

    @staticmethod
    async def _too_large(send, limit: int) -> None:
        body = orjson.dumps({"error": {"code": "body_too_large",
                                       "message": f"request body is larger than {limit} bytes", "field": "body"}})
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
