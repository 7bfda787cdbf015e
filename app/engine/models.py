"""Domain objects of the screening engine: lists (brands, marks, terms) and results (hits)."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from operator import attrgetter
from typing import Any, TypeVar

_T = TypeVar("_T")


def quick_pickle(cls: type[_T]) -> type[_T]:
    """Give a frozen slots dataclass a pickled state that loads fast.

    The state Python 3.11 gives such a class is read back by a function that lists the
    class's fields again for every object: 4.7 of the 7.9 s of loading an engine snapshot
    of 100,000 brands, when its 415,000 marks were such objects too (they are now named
    tuples, see packing.Columns). Here the field names are listed once and
    the state is their values as a tuple."""
    names = tuple(f.name for f in fields(cls))
    get = attrgetter(*names)
    put = object.__setattr__

    if len(names) == 1:
        # the state is the one field's value itself, with no tuple around it (pickle takes a
        # state of None for none at all: the one-field classes here hold tuples)
        name = names[0]

        def __getstate__(self) -> Any:
            return get(self)

        def __setstate__(self, state: Any) -> None:
            put(self, name, state)
    else:
        def __getstate__(self) -> tuple:
            return get(self)

        # one line per field, each calling the slot's own setter (a frozen class refuses
        # setattr): written out and compiled once per class, as dataclasses writes its
        # __init__, it restores 100,000 brands in 0.3 s where a loop over fields took 0.42
        setters = {f"_set{i}": getattr(cls, n).__set__ for i, n in enumerate(names)}
        body = "".join(f"    _set{i}(self, state[{i}])\n" for i in range(len(names)))
        exec(f"def __setstate__(self, state):\n{body}", setters)  # noqa: S102 - our own field names only
        __setstate__ = setters["__setstate__"]

    cls.__getstate__ = __getstate__
    cls.__setstate__ = __setstate__
    return cls


class HitKind(StrEnum):
    BRAND = "brand"
    SENSITIVE = "sensitive"
    POLICY = "policy"


class MatchType(StrEnum):
    EXACT = "exact"
    VARIANT = "variant"          # case, spacing, punctuation, leetspeak, lookalikes, zero-width
    HOMOPHONE = "homophone"      # sounds like the name (English phonetic key, Chinese pinyin)
    SHAPE = "shape"              # Chinese characters that look like the name's
    FUZZY = "fuzzy"              # typo
    DERIVATIVE = "derivative"    # name fused with an affix: Rolexy, rolexstyle, 彪马同款
    TRANSLATION = "translation"  # the name in another script, incl. pinyin in Latin letters
    PATTERN = "pattern"          # detected by a pattern (URL, e-mail, phone number)
    RULE = "rule"                # a listing-policy rule on the field's shape (length, characters)


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Verdict(StrEnum):
    BLOCK = "block"
    REVIEW = "review"
    PASS = "pass"


class Usage(StrEnum):
    COMPATIBILITY = "compatibility"
    AUTHORIZED = "authorized"


class Field(StrEnum):
    TITLE = "title"
    BULLETS = "bullets"
    DESCRIPTION = "description"
    SEARCH_TERMS = "search_terms"


class Tier(StrEnum):
    FAMOUS = "famous"
    STANDARD = "standard"


SENSITIVE_CATEGORIES = (
    "medical_claim",
    "pesticide_claim",
    "environmental_claim",
    "promotional",
    "superlative",
    "counterfeit_signal",
    "contact_info",
    "prohibited_item",
)

# the id of categories.csv's row of words that hold a product keyword but name no product
# (包邮 free shipping, 酒店 hotel, 茶几 coffee table, 世界杯 World Cup)
NO_PRODUCT = "none"
PRODUCT_CATEGORIES = frozenset(
    ["apparel", "footwear", "sportswear", "outdoor", "luxury", "bags", "watches", "jewelry", "eyewear", "electronics", "phones", "computers", "audio", "cameras", "gaming", "toys", "entertainment", "sports", "drinkware", "kitchen", "home_appliances", "home", "beauty", "personal_care", "health", "baby", "food", "beverages", "automotive", "tools", "pet", "stationery", "luggage"]
)


@quick_pickle
@dataclass(frozen=True, slots=True)
class SubMark:
    """A product line or character that is a trademark on its own; names[0] is canonical."""

    names: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.names[0]


# one empty set shared by the brands that have no ordinary names: at 100,000 brands a set
# each would be 22 MB (an empty frozenset is 216 bytes, and Python keeps no single one)
NO_NAMES: frozenset[str] = frozenset()


@quick_pickle
@dataclass(frozen=True, slots=True)
class Brand:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    zh_names: tuple[str, ...] = ()
    submarks: tuple[SubMark, ...] = ()
    ordinary: frozenset[str] = NO_NAMES
    categories: tuple[str, ...] = ()  # most important first; the first three are the core
    tier: Tier = Tier.STANDARD
    owner: str = ""
    nice_classes: tuple[int, ...] = ()

    @property
    def category_set(self) -> frozenset[str]:
        return frozenset(self.categories)

    @property
    def core_categories(self) -> frozenset[str]:
        """Where the brand mainly sells: context evidence for its ambiguous names. The first
        three categories, and one more where one of them is 'luxury', which names a
        market, not a kind of product (Montblanc: luxury, stationery, watches, bags)."""
        head = self.categories[:4] if "luxury" in self.categories[:3] else self.categories[:3]
        return frozenset(head)

    def all_names(self) -> list[str]:
        names = [self.name, *self.aliases, *self.zh_names]
        for sm in self.submarks:
            names.extend(sm.names)
        return names


@quick_pickle
@dataclass(frozen=True, slots=True)
class Term:
    """A sensitive term: one list entry with all its surface forms."""

    id: str
    category: str
    lang: str
    forms: tuple[str, ...]
    severity: Severity
    reason: str
    suggestion: str = ""
    source: str = ""


@quick_pickle
@dataclass(frozen=True, slots=True)
class Exemption:
    """An ordinary phrase that contains a sensitive word but is not a claim."""

    phrase: str
    lang: str
    categories: frozenset[str] | None  # None: every category
    reason: str


@quick_pickle
@dataclass(frozen=True, slots=True)
class PolicyRule:
    """A listing-policy rule: a named check with its parameter, applied to one field."""

    id: str
    check: str
    field: Field
    value: str
    severity: Severity
    reason: str
    suggestion: str
    source: str
    effective: str  # ISO date the rule took effect


@dataclass(frozen=True, slots=True)
class Lists:
    brands: tuple[Brand, ...]
    terms: tuple[Term, ...]
    exemptions: tuple[Exemption, ...]
    version: str
    policies: tuple[PolicyRule, ...] = ()
    allow: tuple[str, ...] = ()  # phrases inside which no hit is reported (Applewood is not Apple)

    @property
    def mark_count(self) -> int:
        return sum(len(set(b.all_names())) for b in self.brands)

    @property
    def term_count(self) -> int:
        return len(self.terms)


@dataclass(frozen=True, slots=True)
class Listing:
    """One listing to screen. Text fields may be empty; at least one should not be."""

    id: str | None = None
    title: str = ""
    bullets: tuple[str, ...] = ()
    description: str = ""
    search_terms: str = ""
    brand: str | None = None
    authorized_brands: tuple[str, ...] = ()
    category: str | None = None
    marketplace: str | None = None

    def fields(self) -> list[tuple[Field, int | None, str]]:
        out: list[tuple[Field, int | None, str]] = []
        if self.title:
            out.append((Field.TITLE, None, self.title))
        for i, b in enumerate(self.bullets):
            if b:
                out.append((Field.BULLETS, i, b))
        if self.description:
            out.append((Field.DESCRIPTION, None, self.description))
        if self.search_terms:
            out.append((Field.SEARCH_TERMS, None, self.search_terms))
        return out


@dataclass(frozen=True, slots=True)
class BrandRef:
    id: str
    name: str
    mark: str


@dataclass(slots=True)
class Hit:
    kind: HitKind
    field: Field
    index: int | None
    start: int
    end: int
    text: str
    match: MatchType
    score: float
    severity: Severity
    reason: str
    suggestion: str | None = None
    usage: Usage | None = None
    brand: BrandRef | None = None
    term: str | None = None
    category: str | None = None
    rule: str | None = None
    evidence: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "field": self.field.value,
            "index": self.index,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "match": self.match.value,
            "brand": (
                {"id": self.brand.id, "name": self.brand.name, "mark": self.brand.mark}
                if self.brand
                else None
            ),
            "term": self.term,
            "category": self.category,
            "score": round(self.score, 3),
            "severity": self.severity.value,
            "usage": self.usage.value if self.usage else None,
            "reason": self.reason,
            "suggestion": self.suggestion,
            "rule": self.rule,
            "evidence": self.evidence,
        }


@dataclass(slots=True)
class Screening:
    id: str | None
    verdict: Verdict
    risk_score: int
    hits: list[Hit]
    list_version: str
    elapsed_ms: float
    # found but not reported, with what suppressed each: {"kind": "own_brand" | "allowlist", ...}
    suppressed: list[tuple[Hit, dict[str, Any]]] = field(default_factory=list)

    def to_dict(self, *, explain: bool = False) -> dict[str, Any]:
        out = {
            "id": self.id,
            "verdict": self.verdict.value,
            "risk_score": self.risk_score,
            "hits": [h.to_dict() for h in self.hits],
            "list_version": self.list_version,
            "elapsed_ms": round(self.elapsed_ms, 3),
        }
        if explain:
            out["suppressed"] = [{**h.to_dict(), "suppressed_by": why} for h, why in self.suppressed]
        return out
