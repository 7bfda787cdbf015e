"""Listing-policy rules (kind "policy"): checks on the shape of a field, not on its words.

Each rule is a data row (data/policy.csv: id, check, field, value, severity, reason,
suggestion, source, effective date); the checks themselves are the functions below.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from app.engine.models import PolicyRule
from app.engine.normalize import ascii_case_counts

# Words Amazon lets a title repeat: articles, prepositions and conjunctions.
FUNCTION_WORDS = frozenset(
    ["a", "an", "the", "and", "or", "nor", "but", "so", "yet", "for", "of", "in", "on", "at", "to", "by", "with", "from", "as", "into", "onto", "per", "via", "up", "off", "out", "over", "under", "than", "vs", "x", "&", "+", "/", "-"]
)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)


@dataclass(slots=True)
class PolicyFinding:
    start: int
    end: int
    detail: str


def _max_length(text: str, value: str) -> list[PolicyFinding]:
    limit = int(value)
    if len(text) <= limit:
        return []
    return [PolicyFinding(limit, len(text), f"{len(text)} characters, {len(text) - limit} over the limit of {limit}")]


def _forbidden_chars(text: str, value: str) -> list[PolicyFinding]:
    """One finding per run of forbidden characters ("!!!" is one finding)."""
    if not value:
        return []
    return [PolicyFinding(m.start(), m.end(), f"character{'s' if m.end() - m.start() > 1 else ''} {m.group()!r}")
            for m in _runs_of(value).finditer(text)]


@lru_cache(maxsize=64)
def _runs_of(chars: str) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]+")


def _repeated_word(text: str, value: str) -> list[PolicyFinding]:
    allowed = int(value)
    seen: dict[str, int] = {}
    out = []
    for m in _WORD.finditer(text):
        w = m.group().casefold()
        if w in FUNCTION_WORDS or w.isdigit() or not any(c.isalpha() for c in w):
            continue
        seen[w] = seen.get(w, 0) + 1
        if seen[w] == allowed + 1:
            out.append(PolicyFinding(m.start(), m.end(), f"'{m.group()}' appears more than {allowed} times"))
    return out


_UPPER = re.compile(r"[A-Z\u00C0-\u00DE\u0391-\u03A9\u0410-\u042F]")
_LOWER = re.compile(r"[a-z\u00DF-\u00FF\u03B1-\u03C9\u0430-\u044F]")


_UPPER_RUNS = re.compile(_UPPER.pattern + "+")
_LOWER_RUNS = re.compile(_LOWER.pattern + "+")
def letter_counts(text: str) -> tuple[int, int]:
    """(capitals, small letters) of the scripts _UPPER and _LOWER cover. ASCII text (most
    bullets) is counted by bytes deletes: one character-list per letter from findall cost
    15 us per bullet."""
    if text.isascii():
        return ascii_case_counts(text)
    return sum(map(len, _UPPER_RUNS.findall(text))), sum(map(len, _LOWER_RUNS.findall(text)))


def _all_caps(text: str, value: str) -> list[PolicyFinding]:
    upper, lower = letter_counts(text)
    if upper + lower < 12:
        return []
    share = upper / (upper + lower)
    if share < float(value):
        return []
    return [PolicyFinding(0, len(text), f"{share:.0%} of the letters are capitals")]


# Arrows, technical and geometric symbols, dingbats, stars, hearts, check marks, emoji and
# pictographs (©, ®, ™ and units such as ° are not decorative).
_DECORATIVE = re.compile(
    "[\u2190-\u21FF\u2300-\u23FF\u2460-\u24FF\u25A0-\u27BF\u2900-\u297F\u2B00-\u2BFF"
    "\u3030\u303D\U0001F000-\U0001FAFF\uFE0F]"
)


def _decorative_symbols(text: str, value: str) -> list[PolicyFinding]:
    return [PolicyFinding(m.start(), m.end(), f"symbol {m.group()!r}") for m in _DECORATIVE.finditer(text)]


CHECKS: dict[str, Callable[[str, str], list[PolicyFinding]]] = {
    "max_length": _max_length,
    "forbidden_chars": _forbidden_chars,
    "repeated_word": _repeated_word,
    "all_caps": _all_caps,
    "decorative_symbols": _decorative_symbols,
}


# Checks that read the brand hits of a field rather than its text.
HIT_CHECKS = frozenset({"brand_names"})


def check_field(rule: PolicyRule, text: str) -> list[PolicyFinding]:
    return CHECKS[rule.check](text, rule.value)
