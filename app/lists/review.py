"""List review for `prescreen lists validate`: problems a loader cannot reject line by line
(names claimed by two brands, everyday words not flagged as ordinary, Traditional Chinese
names without their Simplified form)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from app.engine.brand_index import Role
from app.engine.normalize import fold_name


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    brand_ids: tuple[str, ...]
    name: str
    detail: str


def review(engine) -> list[Finding]:
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
            if name not in b.ordinary and key.isascii() and key.isalpha() and key in words:
                out.append(Finding("unflagged-word", (b.id,), name,
                                   f"{name!r} is an everyday English word but not in `ordinary`"))
        for z in b.zh_names:
            s = fold_name(z)
            if s != z and s not in b.zh_names:
                out.append(Finding("traditional-only", (b.id,), z,
                                   f"{z!r} has no Simplified form listed (it converts to {s!r})"))
    return out


def summary(findings: list[Finding]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for f in findings:
        counts[f.kind] += 1
    return dict(counts)
