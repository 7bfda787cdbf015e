"""Reading catalogue files as sellers really have them.

CSV, TSV, XLSX and JSONL; UTF-8 with or without BOM, UTF-16 (as Excel's "Unicode text"
saves it) and GB18030/GBK (as Chinese Excel saves CSV). Amazon inventory flat files start
with template metadata and a row of human labels before the attribute header (`item_sku`,
`item_name`, ...): the header is the first of the top rows that names known columns.
Headers may be English (`sku`, `title`, `bullets`...), Amazon's, or Chinese (`标题`, `五点描述`,
`品牌`); an explicit mapping overrides the guess.

Every data row comes out as a `Row`: its 1-based line (or sheet row) number in the file,
and either the listing fields or the reason it could not be read. Rows are never dropped.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.engine.normalize import NOT_UNICODE, unicode_text

FORMATS = ("csv", "tsv", "xlsx", "jsonl")
FIELDS = ("id", "title", "bullets", "description", "search_terms", "brand", "category", "marketplace")
TEXT_FIELDS = ("title", "bullets", "description", "search_terms")

# header names (compared case-insensitively, spaces/underscores/hyphens ignored) per field
_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "sku", "item_sku", "seller_sku", "sellersku", "asin", "product_id", "listing_id",
           "商品编码", "货号", "sku编码", "商家编码", "编号", "款号"),
    "title": ("title", "item_name", "product_name", "product_title", "name", "listing_title",
              "标题", "商品标题", "产品标题", "商品名称", "产品名称", "宝贝标题", "名称"),
    "bullets": ("bullets", "bullet_points", "bullet_point", "key_product_features", "features",
                "五点描述", "五点", "卖点", "产品卖点", "要点"),
    "description": ("description", "product_description", "item_description", "long_description",
                    "描述", "商品描述", "产品描述", "详情", "产品详情", "宝贝描述"),
    "search_terms": ("search_terms", "generic_keywords", "keywords", "search_keywords", "backend_keywords",
                     "关键词", "搜索词", "关键字", "搜索关键词"),
    "brand": ("brand", "brand_name", "manufacturer", "品牌", "品牌名称", "品牌名"),
    "category": ("category", "product_type", "feed_product_type", "item_type", "item_type_keyword",
                 "类目", "分类", "商品类目", "产品类目"),
    "marketplace": ("marketplace", "site", "站点", "市场"),
}
# numbered bullet columns: bullet_point1..5, bullet1, 五点描述1, 卖点1 ...
_BULLET_N = re.compile(r"^(?:bullet_?point|bullet|key_?product_?features?|五点描述|五点|卖点|要点)_?(\d{1,2})$")


def _norm(h: str) -> str:
    return re.sub(r"[\s_\-]+", "_", str(h).strip().lstrip("\ufeff").lower()).strip("_")


_LOOKUP = {_norm(a): f for f, names in _ALIASES.items() for a in names}


class CatalogueError(ValueError):
    """The file as a whole cannot be read (type, encoding, no text column...)."""


@dataclass
class Mapping:
    """Which input column feeds which listing field (bullets may take several)."""

    columns: dict[str, list[int]] = field(default_factory=dict)
    header_row: int = 0          # 1-based row number of the header (0: JSONL, no header)
    names: list[str] = field(default_factory=list)
    format: str = ""             # csv, tsv, xlsx or jsonl, as read

    def describe(self) -> dict[str, list[str]]:
        return {f: [self.names[i] for i in cols] for f, cols in self.columns.items()}


@dataclass
class Row:
    number: int                          # line / sheet row in the file (1-based)
    listing: dict[str, Any] | None       # fields for the screen request
    error: str | None = None
    sku: str | None = None


def detect_format(filename: str, head: bytes) -> str:
    ext = Path(filename or "").suffix.lower().lstrip(".")
    if ext in ("xlsx", "xlsm"):
        return "xlsx"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx" if ext in ("", "xlsx", "xlsm", "zip") else _refuse_zip(ext)
    if ext in ("jsonl", "ndjson"):
        return "jsonl"
    if ext in ("tsv", "tab"):
        return "tsv"
    if ext in ("csv", "txt", ""):
        text = decode(head[:65536], partial=True)
        first = text.lstrip().split("\n", 1)[0]
        if first.startswith("{"):
            return "jsonl"
        return "tsv" if first.count("\t") > first.count(",") else "csv"
    if ext in ("xls",):
        raise CatalogueError("file: .xls (Excel 97-2003) is not supported; save it as .xlsx or CSV")
    raise CatalogueError(f"file: '.{ext}' files are not supported; send CSV, TSV, XLSX or JSONL")


def _refuse_zip(ext: str) -> str:
    raise CatalogueError(f"file: a zip archive named '.{ext}'; send CSV, TSV, XLSX or JSONL")


def decode(data: bytes, *, partial: bool = False) -> str:
    """Text of a file: BOM first (UTF-8, UTF-16), then UTF-16 without BOM (many NULs),
    then UTF-8, then GB18030 (a superset of GBK, as Chinese Excel saves)."""
    if data.startswith(codecs.BOM_UTF8):
        return _declared(data[3:], "utf-8", partial)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _declared(data, "utf-16", partial)
    sample = data[:4096]
    if sample and sample.count(b"\x00") > len(sample) // 4:
        return _declared(data, "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be", partial)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if partial and exc.start > len(data) - 4:
            return data[:exc.start].decode("utf-8")
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        if partial:
            return data.decode("gb18030", errors="replace")
        raise CatalogueError("file: the text is neither UTF-8, UTF-16 nor GB18030/GBK") from None


def _declared(data: bytes, encoding: str, partial: bool) -> str:
    """Text in the encoding the file declares (a BOM) or plainly shows (UTF-16's NULs); a
    file that then breaks its own encoding cannot be read."""
    try:
        return data.decode(encoding, errors="replace" if partial else "strict")
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"file: declared {encoding.upper()} but byte {exc.start} is not ({exc.reason})") from None


def guess_mapping(rows: list[list[str]], explicit: dict[str, Any] | None = None) -> Mapping:
    """Find the header among the first rows and map its columns to listing fields."""
    best: tuple[int, int, list[str]] | None = None
    for i, row in enumerate(rows[:12]):
        cells = [str(c or "") for c in row]
        score = sum(1 for c in cells if _norm(c) in _LOOKUP or _BULLET_N.match(_norm(c)))
        if explicit:
            score += sum(1 for c in cells if c.strip() in _explicit_names(explicit)) * 10
        # a tie goes to the later row: Amazon's attribute row (item_sku) follows its labels (SKU)
        if score and (best is None or score >= best[0]):
            best = (score, i, cells)
    if best is None:
        raise CatalogueError("file: no header row with a known column (title, item_name, 标题, description, ...); "
                             "pass a column mapping")
    _, idx, names = best
    m = Mapping(header_row=idx + 1, names=names)
    if explicit:
        for fld, cols in explicit.items():
            if fld not in FIELDS:
                raise CatalogueError(f"mapping.{fld}: unknown field; the fields are {', '.join(FIELDS)}")
            wanted = [cols] if isinstance(cols, str) else cols
            if not isinstance(wanted, list) or not all(isinstance(c, str) for c in wanted):
                raise CatalogueError(f"mapping.{fld}: a column name or a list of column names")
            for c in wanted:
                if c not in names:
                    raise CatalogueError(f"mapping.{fld}: no column {c!r} in the header {names}")
                m.columns.setdefault(fld, []).append(names.index(c))
    for i, name in enumerate(names):
        key = _norm(name)
        fld = _LOOKUP.get(key) or ("bullets" if _BULLET_N.match(key) else None)
        if fld is None or (explicit and fld in explicit):
            continue
        if fld == "bullets" or fld not in m.columns:
            m.columns.setdefault(fld, []).append(i)
    if not any(f in m.columns for f in TEXT_FIELDS):
        raise CatalogueError(f"file: the header {[n for n in names if n][:20]} has no text column "
                             "(title, bullets, description or search terms); pass a column mapping")
    return m


def _explicit_names(explicit: dict[str, Any]) -> set[str]:
    out: set[str] = set()
    for v in explicit.values():
        out.update([v] if isinstance(v, str) else [c for c in v if isinstance(c, str)] if isinstance(v, list) else [])
    return out


def _listing(cells: list[Any], m: Mapping) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for fld, cols in m.columns.items():
        vals = [_cell(cells[i]) for i in cols if i < len(cells)]
        vals = [v for v in vals if v]
        if fld == "bullets":
            bullets: list[str] = []
            for v in vals:
                if len(cols) == 1:  # one cell holding all bullets: one per line
                    bullets.extend(p.strip() for p in v.split("\n") if p.strip())
                else:
                    bullets.append(v)
            if bullets:
                out["bullets"] = bullets
        elif vals:
            out[fld] = vals[0]
    return out


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def invalid_text_field(obj: dict) -> str | None:
    """The first field of a JSON object whose name or value is not valid Unicode text, as a
    printable name; None when all are."""
    for k, v in obj.items():
        if not unicode_text(k):
            return repr(k.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace"))
        if not unicode_text(v):
            return k
    return None


def _row(number: int, cells: list[Any], m: Mapping) -> Row:
    listing = _listing(cells, m)
    sku = listing.get("id")
    if not any(listing.get(f) for f in TEXT_FIELDS):
        return Row(number, None, "no text in this row (title, bullets, description and search terms are all empty)", sku)
    return Row(number, listing, None, sku)


def _is_blank(cells: list[Any]) -> bool:
    return not any(_cell(c) for c in cells)


def read_catalogue(path: Path, filename: str | None = None, mapping: dict[str, Any] | None = None,
                   fmt: str | None = None) -> tuple[Mapping, Iterator[Row]]:
    """Open a catalogue: the mapping (header found, columns chosen) and an iterator of its
    data rows. Raises CatalogueError for a file that cannot be read at all."""
    with path.open("rb") as fh:
        head = fh.read(65536)
    if not head.strip():
        raise CatalogueError("file: the file is empty")
    fmt = fmt or detect_format(filename or path.name, head)
    if fmt == "xlsx":
        m, rows = _xlsx(path, mapping)
    elif fmt == "jsonl":
        m, rows = _jsonl(path, mapping)
    else:
        m, rows = _delimited(decode(path.read_bytes()), "\t" if fmt == "tsv" else ",", mapping)
    m.format = fmt
    return m, rows


def _delimited(text: str, delimiter: str, explicit: dict[str, Any] | None) -> tuple[Mapping, Iterator[Row]]:
    # rows are numbered as records (1 = the first row), as a spreadsheet shows them even
    # when a quoted cell spans several lines
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    top: list[list[str]] = []
    try:
        for row in reader:
            top.append(row)
            if len(top) >= 12:
                break
    except csv.Error as exc:
        raise CatalogueError(f"file: not readable as {'TSV' if delimiter == chr(9) else 'CSV'} ({exc})") from None
    m = guess_mapping(top, explicit)
    width = len(m.names)

    def rows() -> Iterator[Row]:
        number = m.header_row
        for cells in top[m.header_row:]:
            number += 1
            if not _is_blank(cells):
                yield _checked(number, cells, width, m)
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                number += 1
                yield Row(number, None, f"unreadable row: {exc}")
                continue
            number += 1
            if not _is_blank(cells):
                yield _checked(number, cells, width, m)

    return m, rows()


def _checked(number: int, cells: list[str], width: int, m: Mapping) -> Row:
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        return Row(number, None, f"{len(cells)} fields where the header has {width} (a stray delimiter or quote?)",
                   _cell(cells[m.columns['id'][0]]) if "id" in m.columns and m.columns["id"][0] < len(cells) else None)
    return _row(number, cells, m)


def _xlsx(path: Path, explicit: dict[str, Any] | None) -> tuple[Mapping, Iterator[Row]]:
    import openpyxl

    fh = path.open("rb")  # a file object: openpyxl would refuse a path without .xlsx
    try:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any parse failure means "not a workbook we can read"
        fh.close()
        raise CatalogueError(f"file: not a readable XLSX workbook ({type(exc).__name__})") from None
    ws = _template_sheet(wb)
    it = ws.iter_rows(values_only=True)
    top = []
    for row in it:
        top.append(list(row))
        if len(top) >= 12:
            break
    m = guess_mapping([[_cell(c) for c in r] for r in top], explicit)

    def rows() -> Iterator[Row]:
        try:
            n = m.header_row
            for cells in top[m.header_row:]:
                n += 1
                if not _is_blank(cells):
                    yield _row(n, list(cells), m)
            for cells in it:
                n += 1
                if not _is_blank(list(cells)):
                    yield _row(n, list(cells), m)
        finally:
            wb.close()
            fh.close()

    return m, rows()


def _template_sheet(wb):
    """Amazon's workbook keeps the listings on the 'Template' sheet; else the active one."""
    for name in wb.sheetnames:
        if name.lower() == "template":
            return wb[name]
    return wb.active


def _jsonl(path: Path, explicit: dict[str, Any] | None) -> tuple[Mapping, Iterator[Row]]:
    text = decode(path.read_bytes())
    lines = text.splitlines()
    keys: list[str] = []
    for line in lines[:50]:
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict):
            keys.extend(k for k in obj if k not in keys)
    m = guess_mapping([keys], explicit) if keys else None
    if m is None:
        raise CatalogueError("file: no JSON object with a known field (title, description, ...) in the first lines")
    m.header_row = 0

    def rows() -> Iterator[Row]:
        for n, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                yield Row(n, None, f"not valid JSON: {exc}")
                continue
            if not isinstance(obj, dict):
                yield Row(n, None, "not a JSON object")
                continue
            bad = invalid_text_field(obj)
            if bad is not None:
                yield Row(n, None, f"{bad}: {NOT_UNICODE}")
                continue
            cells = []
            for name in m.names:
                v = obj.get(name)
                cells.append("\n".join(map(str, v)) if isinstance(v, list) else v)
            yield _row(n, cells, m)

    return m, rows()
