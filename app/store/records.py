"""Brand and term records as the API shows them (lists for the many-valued fields) and as
they are stored and exported (CSV columns, many values joined with '|')."""
from __future__ import annotations

from typing import Any

from app.lists.loader import BRAND_COLUMNS, TERM_COLUMNS, ListError

# many-valued fields and how their values are joined in a CSV cell
_LISTS = {
    "brands": {"aliases": "|", "zh_names": "|", "ordinary": "|", "categories": "|", "nice_classes": "|"},
    "terms": {"forms": "|"},
}
_COLUMNS = {"brands": BRAND_COLUMNS, "terms": TERM_COLUMNS}


def _split(v: str, sep: str = "|") -> list[str]:
    return [p.strip() for p in (v or "").split(sep) if p.strip()]


def to_json(kind: str, rec: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for c in _COLUMNS[kind]:
        v = rec.get(c) or ""
        if c in _LISTS[kind]:
            out[c] = [int(x) for x in _split(v)] if c == "nice_classes" and all(x.isdigit() for x in _split(v)) else _split(v)
        elif kind == "brands" and c == "submarks":
            out[c] = [_split(m, "/") for m in _split(v)]
        else:
            out[c] = v
    if "updated_at" in rec:
        out["updated_at"] = rec["updated_at"]
    return out


def from_json(kind: str, obj: Any, where: str = "body") -> dict[str, str]:
    """A record from a JSON object; lists or '|'-joined strings are both accepted. Errors
    name the field (body.aliases: ...)."""
    if not isinstance(obj, dict):
        raise ListError(f"{where}: must be a JSON object")
    cols = _COLUMNS[kind]
    unknown = sorted(set(obj) - set(cols) - {"updated_at"})
    if unknown:
        raise ListError(f"{where}.{unknown[0]}: unknown field; the fields are {', '.join(cols)}")
    rec: dict[str, str] = {}
    for c in cols:
        v = obj.get(c)
        f = f"{where}.{c}"
        if v is None:
            rec[c] = ""
        elif kind == "brands" and c == "submarks":
            if isinstance(v, str):
                rec[c] = v
            elif isinstance(v, list):
                groups = []
                for i, g in enumerate(v):
                    names = [g] if isinstance(g, str) else g
                    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                        raise ListError(f"{f}.{i}: a sub-mark is a name or a list of its names")
                    if any("|" in n or "/" in n for n in names):
                        raise ListError(f"{f}.{i}: names may not contain '|' or '/'")
                    groups.append("/".join(n.strip() for n in names if n.strip()))
                rec[c] = "|".join(g for g in groups if g)
            else:
                raise ListError(f"{f}: must be a list of sub-marks")
        elif c in _LISTS[kind]:
            if isinstance(v, str):
                rec[c] = v
            elif isinstance(v, list) and all(isinstance(x, (str, int)) and not isinstance(x, bool) for x in v):
                items = [str(x).strip() for x in v]
                if any("|" in x for x in items):
                    raise ListError(f"{f}: values may not contain '|'")
                rec[c] = "|".join(x for x in items if x)
            else:
                raise ListError(f"{f}: must be a list of strings")
        elif isinstance(v, str):
            rec[c] = v
        else:
            raise ListError(f"{f}: must be a string")
    return rec
