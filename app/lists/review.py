"""List review for `prescreen lists validate`: problems a loader cannot reject line by line
(names claimed by two brands, everyday words not flagged as ordinary, Traditional Chinese
names without their Simplified form)."""
from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import opencc

from app.engine.brand_index import Role
from app.engine.normalize import fold_name
from app.lists.loader import ListError


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    brand_ids: tuple[str, ...]
    name: str
    detail: str


def load_distinctive(data_dir: Path) -> set[tuple[str, str]]:
    """(brand id, name) pairs reviewed by hand: everyday words that are kept as distinctive
    names on purpose (data/distinctive.csv gives the reason for each)."""
    path = data_dir / "distinctive.csv"
    if not path.exists():
        return set()
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for n, row in enumerate(rows, start=2):
        if not (row.get("brand_id") and row.get("name") and (row.get("reason") or "").strip()):
            raise ListError(f"{path}:{n}: brand_id, name and reason are required")
    return {(row["brand_id"], row["name"]) for row in rows}


def review(engine, distinctive: set[tuple[str, str]] = frozenset()) -> list[Finding]:
    idx = engine.index
    out: list[Finding] = []
    for table in (idx.latin, idx.han, idx.mixed):
        for key, entries in table.items():
            entries = [e for e in entries if e.role != Role.PINYIN]
            ids = sorted({e.brand.id for e in entries})
            if len(ids) > 1 and not all(e.ordinary for e in entries):
                names = sorted({e.surface for e in entries})
                out.append(Finding("shared-name", tuple(ids), names[0],
                                   f"{' / '.join(names)} is a name of {', '.join(ids)}"))
    words = engine.dictionary & idx.common_words
    for b in engine.lists.brands:
        for name in b.all_names():
            key = name.casefold()
            if (name not in b.ordinary and (b.id, name) not in distinctive and key.isascii()
                    and key.isalpha() and key in words):
                out.append(Finding("unflagged-word", (b.id,), name,
                                   f"{name!r} is an everyday English word but not in `ordinary`"))
        folded = [(z, fold_name(z)) for z in b.zh_names]
        for z, s in folded:
            # a Traditional name needs a listed twin that folds the same
            if is_traditional(z) and not any(y != z and t == s for y, t in folded):
                out.append(Finding("traditional-only", (b.id,), z,
                                   f"{z!r} has no Simplified form listed (it converts to {to_simplified(z)!r})"))
    return out


_T2S = opencc.OpenCC("t2s")
_S2T = opencc.OpenCC("s2t")


def to_simplified(name: str) -> str:
    return _T2S.convert(name)


def is_traditional(name: str) -> bool:
    """Has a character that is Traditional only: it converts to Simplified and back to
    itself (鏈 → 链 → 鏈). OpenCC also rewrites some Simplified characters to a variant
    (吒 → 咤) that does not convert back; those names are Simplified already."""
    if _T2S.convert(name) == name:
        return False
    for c in name:
        s = _T2S.convert(c)
        if s != c and _S2T.convert(s) == c:
            return True
    return False


def summary(findings: list[Finding]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for f in findings:
        counts[f.kind] += 1
    return dict(counts)
