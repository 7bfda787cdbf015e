"""API keys for list writes: `Authorization: Bearer <key>`, keys from PRESCREEN_API_KEYS.

An entry is `key` or `name:key`; the name (or a fingerprint of the key) is who the audit
log says made a change. Keys are compared in constant time, and every key is compared,
so the time taken says nothing about which key came close.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from app.api.errors import ApiError


@dataclass(frozen=True)
class ApiKey:
    name: str
    secret: bytes


def parse_keys(raw: str) -> tuple[ApiKey, ...]:
    keys = []
    for entry in raw.split(","):
        entry = entry.strip()
        if not entry:
            continue
        name, sep, secret = entry.partition(":")
        if not sep:
            name, secret = "key-" + hashlib.sha256(entry.encode()).hexdigest()[:8], entry
        if secret:
            keys.append(ApiKey(name.strip(), secret.encode()))
    return tuple(keys)


def check(keys: tuple[ApiKey, ...], authorization: str | None) -> str:
    """Who is calling, or ApiError: 401 (with WWW-Authenticate) without credentials, 403
    with a wrong key or when no keys are configured (writes are then switched off)."""
    if not authorization:
        raise _unauthorized("this needs an API key: send 'Authorization: Bearer <key>'")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("the Authorization header must be 'Bearer <key>'")
    if not keys:
        raise ApiError(403, "forbidden", "this is switched off: no PRESCREEN_API_KEYS are configured",
                       "Authorization")
    given = token.strip().encode()
    who = None
    for k in keys:
        if hmac.compare_digest(given, k.secret) and who is None:
            who = k.name
    if who is None:
        raise ApiError(403, "forbidden", "the API key is not valid", "Authorization")
    return who


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, "Authorization", {"WWW-Authenticate": "Bearer"})
