"""Text folding for matching, with an offset map back to the original text.

Every original code point folds to zero or more code points (NFKC, case folding, accents
stripped, lookalike letters to Latin, Traditional to Simplified Chinese, zero-width and
control characters dropped). `Folded.span()` maps a span of the folded text back to the
exact original characters, so a hit on "ＮＩＫＥ" or "阿瑪尼" points at those characters.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")

# Letters from other scripts that look like Latin ones (a subset of Unicode's
# confusables.txt that matters for brand names). Applied after case folding.
_LOOKALIKES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ɡ": "g", "ı": "i",
    "ʏ": "y", "ɑ": "a", "ο": "o",
    # Armenian
    "ս": "u", "ց": "g", "օ": "o", "ո": "n", "հ": "h", "զ": "q",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ω": "w", "μ": "u", "ϲ": "c", "ϳ": "j",
    # Latin small capitals and other lookalikes
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ғ": "f", "ɢ": "g", "ʜ": "h",
    "ɪ": "i", "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p",
    "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ᴢ": "z",
    "ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ŧ": "t", "ƀ": "b", "ɨ": "i",
}

# Characters that are removed outright (they hide inside words to dodge filters).
_DROP_CATEGORIES = {"Cf", "Mn", "Me"}


# The code points is_han accepts, as a regular-expression class body.
HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


def is_han(ch: str) -> bool:
    """A CJK unified ideograph (basic block and extension A, plus compatibility)."""
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF


@cache
def fold_char(ch: str) -> str:
    """Fold one original code point into its matching form (possibly empty or longer)."""
    cat = unicodedata.category(ch)
    if cat in _DROP_CATEGORIES:
        return ""
    if cat == "Cs":
        return "\ufffd"  # a lone surrogate (from a JSON "\ud800" escape) is no character
    if cat == "Cc":
        return ch if ch in "\n\r\t" else " "
    out = []
    for c in unicodedata.normalize("NFKC", ch).casefold():
        for d in unicodedata.normalize("NFD", c):
            if unicodedata.category(d) in _DROP_CATEGORIES:
                continue
            d = _LOOKALIKES.get(d, d)
            if is_han(d):
                d = _T2S.convert(d)
            out.append(d)
    s = "".join(out)
    if cat.startswith("Z"):
        return " "
    if len(s) > 1 and (cat[0] == "S" or not any(c.isalpha() for c in s)):
        # symbols and numbers that expand (…, ½, ™ -> tm) keep one character, so ordinary
        # text stays on the one-for-one fast path and "Nike™" is not "niketm"; only
        # letters (ligatures, ß) expand
        return s[0] if s[0].isalnum() and cat[0] != "S" else " "
    return s


class _FoldTable(dict):
    """str.translate table that fills itself on first sight of a character."""

    irregular: set[int]  # characters that fold to none or several

    def __init__(self) -> None:
        super().__init__()
        self.irregular = set()
        self._finder: tuple[int, re.Pattern[str]] = (0, re.compile("(?!)"))

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        if len(folded) != 1:
            self.irregular.add(code)
        self[code] = folded
        return folded

    def has_irregular(self, text: str) -> bool:
        """Does `text` hold a character seen to fold to none or several? One regex search
        (a set of the text's characters cost ten times as much); the regex is remade when
        the set has grown, and only grows, so a thread that races another remakes it again."""
        size, finder = self._finder
        if size != len(self.irregular):
            codes = sorted(self.irregular)
            finder = re.compile("[" + "".join(re.escape(chr(c)) for c in codes) + "]")
            self._finder = (len(codes), finder)
        return finder.search(text) is not None


_TABLE = _FoldTable()


@dataclass(frozen=True, slots=True)
class Folded:
    """Folded text plus, when lengths differ, the original index of each folded char."""

    original: str
    text: str
    src: tuple[int, ...] | None  # None: folded index == original index

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original half-open span covering folded span [start, end)."""
        if self.src is None:
            return start, end
        if end <= start:
            o = self.src[start] if start < len(self.src) else len(self.original)
            return o, o
        return self.src[start], self.src[end - 1] + 1


def fold(text: str) -> Folded:
    """Fold `text` for matching; offsets map back through `Folded.span`."""
    if text.isascii():
        # Fast path: ASCII folds to lower case one char for one char (controls to spaces).
        # (a bytes translate: a dict one costs 2.7 µs per 140 characters, this 0.5 µs)
        return Folded(text, text.lower().encode("ascii").translate(_ASCII_CONTROLS).decode("ascii"), None)
    folded = text.translate(_TABLE)  # fills the table, so the check below knows every character
    if not _TABLE.has_irregular(text):
        return Folded(text, folded, None)
    parts: list[str] = []
    src: list[int] = []
    for i, ch in enumerate(text):
        f = _TABLE[ord(ch)]
        if f:
            parts.append(f)
            src.extend([i] * len(f))
    return Folded(text, "".join(parts), tuple(src))


_ASCII_CONTROLS = bytes(32 if (c < 32 and chr(c) not in "\n\r\t") or c == 127 else c for c in range(256))


@lru_cache(maxsize=1 << 18)
def fold_name(name: str) -> str:
    """Fold a list entry (brand name, term) the same way text is folded."""
    return fold(name).text


_ASCII_UPPER = bytes(range(ord("A"), ord("Z") + 1))
_ASCII_LOWER = bytes(range(ord("a"), ord("z") + 1))


def ascii_case_counts(text: str) -> tuple[int, int]:
    """(capitals, small letters) of ASCII text, by two bytes deletes (a loop over the
    characters costs ten times as much)."""
    b = text.encode("ascii")
    return len(b) - len(b.translate(None, _ASCII_UPPER)), len(b) - len(b.translate(None, _ASCII_LOWER))


NOT_UNICODE = "not valid Unicode text (a lone surrogate escape such as \\ud800)"


def unicode_text(value: object) -> bool:
    """False for a string (or list of them) holding a lone surrogate: JSON's "\\ud800"
    escape decodes to one, and no UTF-8 output can carry it."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, list):
        return all(unicode_text(v) for v in value)
    return True
