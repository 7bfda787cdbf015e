"""Read data/brands/*.csv, data/terms.csv and data/exemptions.csv into engine objects.

The files are validated as they are read; the first problem stops loading with a message
that names the file and line, so a bad edit fails at start-up, never at request time.
"""
from __future__ import annotations

import csv
import hashlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from app.engine.models import (
    NO_NAMES,
    NO_PRODUCT,
    PRODUCT_CATEGORIES,
    SENSITIVE_CATEGORIES,
    Brand,
    Exemption,
    Field,
    Lists,
    PolicyRule,
    Severity,
    SubMark,
    Term,
    Tier,
)

BRAND_COLUMNS = (
    "id", "name", "aliases", "zh_names", "submarks", "ordinary", "categories", "tier", "owner",
    "nice_classes",
)
TERM_COLUMNS = ("id", "category", "lang", "forms", "severity", "reason", "suggestion", "source")
EXEMPTION_COLUMNS = ("phrase", "lang", "categories", "reason")
POLICY_COLUMNS = ("id", "check", "field", "value", "severity", "reason", "suggestion", "source", "effective")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class ListError(ValueError):
    """A list file is malformed; the message names the file and line."""


def default_data_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "data"


def _split(value: str, sep: str = "|") -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(filter(None, map(str.strip, value.split(sep))))


_SHARED: dict[tuple, tuple] = {}


def _shared(values: tuple) -> tuple:
    """One tuple for all the brands with the same categories (or Nice classes): a few
    hundred distinct ones among 100,000 brands."""
    return _SHARED.setdefault(values, values)


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) for each record, checking the header and the field count."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ListError(f"{path}: not UTF-8 ({exc})") from exc
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if header is None:
        raise ListError(f"{path}:1: empty file, expected header {','.join(columns)}")
    header = [h.strip().lstrip("\ufeff") for h in header]
    if tuple(header) != columns:
        raise ListError(f"{path}:1: header is {','.join(header)}; expected {','.join(columns)}")
    for row in reader:
        line = reader.line_num
        if not row or not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        if len(row) != len(columns):
            raise ListError(f"{path}:{line}: {len(row)} fields, expected {len(columns)} ({','.join(columns)})")
        yield line, dict(zip(columns, (c.strip() for c in row)))


def _brand(path: Path, line: int, row: dict[str, str]) -> Brand:
    return parse_brand(f"{path}:{line}", row)


def parse_brand(where: str, row: dict[str, str]) -> Brand:
    """One brand record (the CSV columns, as strings) checked and built; errors name `where`."""
    row = {c: (row.get(c) or "").strip() for c in BRAND_COLUMNS}
    if not _ID.match(row["id"]):
        raise ListError(f"{where}: id {row['id']!r} must be lowercase letters, digits and '-'")
    if not row["name"]:
        raise ListError(f"{where}: name is empty")
    # the few category and owner strings are shared by all brands (interned), not one copy each
    categories = _shared(tuple(map(sys.intern, dict.fromkeys(_split(row["categories"])))))
    if not categories:
        raise ListError(f"{where}: categories is empty")
    unknown = set(categories) - PRODUCT_CATEGORIES
    if unknown:
        raise ListError(f"{where}: unknown categories {sorted(unknown)}")
    try:
        tier = Tier(row["tier"])
    except ValueError:
        raise ListError(f"{where}: tier {row['tier']!r} must be 'famous' or 'standard'") from None
    try:
        nice = _shared(tuple(int(n) for n in _split(row["nice_classes"])))
    except ValueError:
        raise ListError(f"{where}: nice_classes must be numbers separated by '|'") from None
    if any(not 1 <= n <= 45 for n in nice):
        raise ListError(f"{where}: Nice classes run from 1 to 45")
    submarks = tuple(SubMark(_split(m, "/")) for m in _split(row["submarks"]) if _split(m, "/"))
    brand = Brand(
        id=row["id"],
        name=row["name"],
        aliases=_split(row["aliases"]),
        zh_names=_split(row["zh_names"]),
        submarks=submarks,
        ordinary=frozenset(_split(row["ordinary"])) or NO_NAMES,
        categories=categories,
        tier=tier,
        owner=sys.intern(row["owner"]),
        nice_classes=nice,
    )
    stray = brand.ordinary - set(brand.all_names())
    if stray:
        raise ListError(f"{where}: ordinary names {sorted(stray)} are not names of this brand")
    return brand


def load_brands(paths: list[Path]) -> list[Brand]:
    brands: list[Brand] = []
    seen: dict[str, str] = {}
    for path in paths:
        for line, row in _rows(path, BRAND_COLUMNS):
            b = _brand(path, line, row)
            if b.id in seen:
                raise ListError(f"{path}:{line}: duplicate brand id {b.id!r} (first at {seen[b.id]})")
            seen[b.id] = f"{path.name}:{line}"
            brands.append(b)
    return brands


def load_terms(path: Path) -> list[Term]:
    terms: list[Term] = []
    seen: dict[str, int] = {}
    for line, row in _rows(path, TERM_COLUMNS):
        where = f"{path}:{line}"
        if row["id"] in seen:
            raise ListError(f"{where}: duplicate term id {row['id']!r} (first at line {seen[row['id']]})")
        seen[row["id"]] = line
        terms.append(parse_term(where, row))
    return terms


def parse_term(where: str, row: dict[str, str]) -> Term:
    """One sensitive-term record checked and built; errors name `where`."""
    row = {c: (row.get(c) or "").strip() for c in TERM_COLUMNS}
    if not _ID.match(row["id"]):
        raise ListError(f"{where}: id {row['id']!r} must be lowercase letters, digits and '-'")
    if row["category"] not in SENSITIVE_CATEGORIES:
        raise ListError(f"{where}: category {row['category']!r} is not one of {', '.join(SENSITIVE_CATEGORIES)}")
    if row["lang"] not in ("en", "zh"):
        raise ListError(f"{where}: lang must be 'en' or 'zh'")
    forms = _split(row["forms"])
    if not forms:
        raise ListError(f"{where}: forms is empty")
    try:
        severity = Severity(row["severity"])
    except ValueError:
        raise ListError(f"{where}: severity {row['severity']!r} must be high, medium or low") from None
    if not row["reason"]:
        raise ListError(f"{where}: reason is empty")
    return Term(row["id"], row["category"], row["lang"], forms, severity,
                row["reason"], row["suggestion"], row["source"])


def load_exemptions(path: Path) -> list[Exemption]:
    out: list[Exemption] = []
    for line, row in _rows(path, EXEMPTION_COLUMNS):
        where = f"{path}:{line}"
        if not row["phrase"]:
            raise ListError(f"{where}: phrase is empty")
        if row["lang"] not in ("en", "zh"):
            raise ListError(f"{where}: lang must be 'en' or 'zh'")
        cats = _split(row["categories"])
        if cats == ("*",):
            categories = None
        else:
            bad = set(cats) - set(SENSITIVE_CATEGORIES)
            if not cats or bad:
                raise ListError(f"{where}: categories must be '*' or taxonomy categories, got {row['categories']!r}")
            categories = frozenset(cats)
        out.append(Exemption(row["phrase"], row["lang"], categories, row["reason"]))
    return out


def load_policies(path: Path) -> list[PolicyRule]:
    from app.engine.policy import CHECKS, HIT_CHECKS

    out: list[PolicyRule] = []
    seen: set[str] = set()
    for line, row in _rows(path, POLICY_COLUMNS):
        where = f"{path}:{line}"
        if not _ID.match(row["id"]) or row["id"] in seen:
            raise ListError(f"{where}: id {row['id']!r} must be a new slug")
        seen.add(row["id"])
        if row["check"] not in CHECKS and row["check"] not in HIT_CHECKS:
            raise ListError(f"{where}: check {row['check']!r} is not one of {', '.join(sorted(set(CHECKS) | HIT_CHECKS))}")
        try:
            field = Field(row["field"])
            severity = Severity(row["severity"])
        except ValueError as exc:
            raise ListError(f"{where}: {exc}") from None
        if row["check"] in ("max_length", "repeated_word") and not row["value"].isdigit():
            raise ListError(f"{where}: value must be a whole number for {row['check']}")
        if row["check"] == "all_caps":
            try:
                float(row["value"])
            except ValueError:
                raise ListError(f"{where}: value must be a share between 0 and 1 for all_caps") from None
        if not _DATE.match(row["effective"]):
            raise ListError(f"{where}: effective must be a date like 2025-01-15")
        if not row["reason"]:
            raise ListError(f"{where}: reason is empty")
        out.append(PolicyRule(row["id"], row["check"], field, row["value"], severity, row["reason"],
                              row["suggestion"], row["source"], row["effective"]))
    return out


def list_files(data_dir: Path) -> list[Path]:
    brand_files = sorted((data_dir / "brands").glob("*.csv"))
    if not brand_files:
        raise ListError(f"{data_dir / 'brands'}: no brand files (*.csv)")
    return [*brand_files, data_dir / "terms.csv", data_dir / "exemptions.csv", data_dir / "policy.csv"]


def load_lists(data_dir: Path | None = None, version: str | None = None) -> Lists:
    """Load and validate every list file; the version is a digest of their contents
    (files_version's, computed when not given)."""
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    files = list_files(data_dir)
    version = version or files_version(data_dir)
    brands = load_brands(files[:-3])
    terms = load_terms(files[-3])
    exemptions = load_exemptions(files[-2])
    policies = load_policies(files[-1])
    return Lists(tuple(brands), tuple(terms), tuple(exemptions), version, tuple(policies))


def files_version(data_dir: Path | None = None) -> str:
    """The version `load_lists` gives these files, without parsing them (a digest)."""
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    files = list_files(data_dir)
    for f in files:
        if not f.is_file():
            raise ListError(f"{f}: missing")
    return "v1-" + _digest_files(hashlib.sha256(), files, data_dir).hexdigest()[:12]


def load_resources(data_dir: Path | None = None):
    """Reference data for the engine: common English words, shape-alike Chinese characters,
    category keywords."""
    from app.engine.screener import Resources

    data_dir = Path(data_dir) if data_dir else default_data_dir()
    words_file = data_dir / "wordlists" / "en_common.txt"
    words = _word_set(words_file)
    dictionary = _word_set(data_dir / "wordlists" / "en_dictionary.txt")
    rare_path = data_dir / "wordlists" / "en_dictionary_rare.txt"
    rare = _word_set(rare_path) if rare_path.exists() else frozenset()
    keywords: dict[str, tuple[str, ...]] = {}
    path = data_dir / "categories.csv"
    for line, row in _rows(path, ("id", "keywords")):
        if row["id"] not in PRODUCT_CATEGORIES and row["id"] != NO_PRODUCT:
            raise ListError(f"{path}:{line}: unknown category {row['id']!r}")
        keywords[row["id"]] = _split(row["keywords"])
    return Resources(words, dictionary, data_dir / "zh_shapes.txt", keywords, rare)


def lists_from_records(brand_rows: list[dict[str, str]], term_rows: list[dict[str, str]],
                       allow: list[str] | tuple[str, ...] = (), data_dir: Path | None = None,
                       version: str | None = None) -> Lists:
    """Lists from stored records (brands and terms), with the exemptions and policy rules of
    `data_dir`; `version` is records_version's for them (computed when not given)."""
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    files = list_files(data_dir)
    version = version or records_version(brand_rows, term_rows, allow, data_dir)
    brands = [parse_brand(f"brand {r.get('id')!r}", r) for r in brand_rows]
    terms = [parse_term(f"term {r.get('id')!r}", r) for r in term_rows]
    return Lists(tuple(brands), tuple(terms), tuple(load_exemptions(files[-2])), version,
                 tuple(load_policies(files[-1])), tuple(allow))


def records_version(brand_rows: list[dict[str, str]], term_rows: list[dict[str, str]],
                    allow: list[str] | tuple[str, ...] = (), data_dir: Path | None = None) -> str:
    """A digest of the records and of the exemption, policy and reference files of
    `data_dir`, so equal lists have equal versions on every worker and instance."""
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    files = list_files(data_dir)
    digest = hashlib.sha256()
    for kind, rows, cols in (("brands", brand_rows, BRAND_COLUMNS), ("terms", term_rows, TERM_COLUMNS)):
        digest.update(kind.encode())
        for r in sorted(rows, key=lambda r: r["id"]):
            digest.update("\x1f".join(r.get(c) or "" for c in cols).encode() + b"\x1e")
    digest.update("\x1e".join(allow).encode())
    _digest_files(digest, files[-2:], data_dir)
    return "v1-" + digest.hexdigest()[:12]


def _digest_files(digest, files: list[Path], data_dir: Path):
    """Add list files and the reference data to a version digest: the version covers
    everything that changes results."""
    resources = [data_dir / "categories.csv", data_dir / "zh_shapes.txt", *sorted((data_dir / "wordlists").glob("*.txt"))]
    for f in [*files, *(r for r in resources if r.is_file())]:
        digest.update(f.name.encode())
        digest.update(f.read_bytes())
    return digest


def _word_set(path: Path) -> frozenset[str]:
    # interned: a word in several lists (common, dictionary) is one string in all of them
    return frozenset(sys.intern(w.strip()) for w in path.read_text(encoding="utf-8").splitlines()
                     if w.strip() and not w.startswith("#"))


def build_engine(data_dir: Path | None = None, cache_dir: Path | None = None):
    """Load the lists and resources from `data_dir` and build an engine; with `cache_dir`,
    load it from its snapshot there when these lists were built before (then the list files
    are only hashed, not parsed) and write one when not."""
    from app.engine.snapshot import load_or_build

    version = files_version(data_dir)
    return load_or_build(version, lambda: load_lists(data_dir, version), lambda: load_resources(data_dir), cache_dir)
