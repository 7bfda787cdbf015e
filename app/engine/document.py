"""One listing field prepared for matching: folded text, Latin tokens and their gaps.

Built once per field and shared by every matcher, so no matcher re-tokenises the text.
"""
from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property
from itertools import accumulate
from typing import Any

from app.engine.models import Field
from app.engine.normalize import HAN_CLASS, Folded, ascii_case_counts, fold, is_han

# A Latin-script word after folding: letters (incl. accented Latin) and digits.
TOKEN_CHARS = "[0-9a-z\u00df-\u024f]"  # a word's characters, in folded text
TOKEN_RE = re.compile(TOKEN_CHARS + "+")
HAN_RE = re.compile(f"[{HAN_CLASS}]")
ALL_HAN_RE = re.compile(f"[{HAN_CLASS}]+")


class Gap(IntEnum):
    SPACE = 0   # only whitespace between two tokens
    TIGHT = 1   # punctuation without whitespace: Ro-lex, P.R.A.D.A, G-u-c-c-i
    BREAK = 2   # anything else: a new phrase starts


_WORD_SPLIT = re.compile(f"({TOKEN_RE.pattern})")
# Chinese product words that begin with a Latin letter (T恤 T-shirt, U盘 USB stick, V领 V-neck,
# A字裙 A-line skirt, Q版 chibi): written straight after a Latin word (NikeT恤), the letter is
# the product word's, not the end of the word before it
_LETTER_HAN = "t恤|u盘|v领|a字|q版"
_LETTER_HAN_WORDS = re.compile(_LETTER_HAN)
_LETTER_HAN_SPLIT = re.compile(f"((?:(?!{_LETTER_HAN}){TOKEN_CHARS})+)")


def split_words(text: str) -> list[str]:
    """Folded text as gap, word, gap, ..., word, gap (TOKEN_RE words; gaps may be empty).
    The letter that begins a Chinese product word (the t of t恤) is left in the gap."""
    if _LETTER_HAN_WORDS.search(text) is None:
        return _WORD_SPLIT.split(text)
    return _LETTER_HAN_SPLIT.split(text)


_GAP_CACHE: dict[str, Gap] = {}


def classify_gap(gap: str) -> Gap:
    """Kind of the text between two tokens (cached: the same few gaps recur everywhere)."""
    g = _GAP_CACHE.get(gap)
    if g is None:
        g = _classify_gap(gap)
        if len(_GAP_CACHE) < 10_000:
            _GAP_CACHE[gap] = g
    return g


# Separators that part words even without a space: "butter,fly" is two words, not one.
_WORD_SEPARATORS = frozenset(",;|，；、")


def _classify_gap(gap: str) -> Gap:
    if gap in ("- ", " -"):
        return Gap.TIGHT  # a hyphen spaced on one side only joins (Canada- Goose); " - " parts phrases
    if gap.isspace():
        return Gap.SPACE if len(gap) <= 3 else Gap.BREAK
    if len(gap) <= 5 and gap.strip() in ("&", "+") and gap[0].isspace():
        return Gap.SPACE  # "Dolce & Gabbana", "Bausch + Lomb": one name, read as "Dolce Gabbana"
    if len(gap) <= 3 and any(c in _WORD_SEPARATORS for c in gap) and all(c in _WORD_SEPARATORS or c.isspace() for c in gap):
        return Gap.SPACE
    if (len(gap) <= 3 and not any(c.isspace() or is_han(c) for c in gap)
            and all(unicodedata.category(c)[0] in "PS" for c in gap)):
        return Gap.TIGHT
    return Gap.BREAK


@dataclass(slots=True)
class Token:
    start: int      # folded offsets
    end: int
    text: str       # folded text


@dataclass
class FieldDoc:
    """A sentence prepared once and remembered (the engine's sentence cache holds tens of
    thousands): its parts are tuples and bytes of strings and numbers, which the garbage
    collector stops tracking, so a full collection does not walk every word of every
    remembered sentence (lists it would: 1.5 million items after 2,000 listings)."""

    field: Field
    index: int | None
    original: str
    folded: Folded
    words: tuple[str, ...] = ()   # the tokens' folded text
    starts: tuple[int, ...] = ()  # their folded offsets
    ends: tuple[int, ...] = ()
    gaps: bytes = b""             # gaps[i] (a Gap value) sits between tokens i and i+1
    # what was read off this text around a candidate (a model after it, a cue before it):
    # the text is shared by every listing that repeats the sentence, and so are these
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def remember(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """`compute()`, once per key for this text (its answers depend on the text alone)."""
        try:
            return self.memo[key]
        except KeyError:
            value = self.memo[key] = compute()
            return value

    @classmethod
    def build(cls, fld: Field, index: int | None, text: str, folded: Folded | None = None,
              parts: list[str] | None = None) -> FieldDoc:
        """`parts`: `split_words(folded.text)`, when the caller has it already."""
        folded = folded if folded is not None else fold(text)
        if parts is None:
            parts = split_words(folded.text)
        # parts alternate gap, word, gap, ..., word, gap: every step below is one C call
        words = tuple(parts[1::2])
        bounds = tuple(accumulate(map(len, parts)))
        starts = bounds[0:-1:2]
        ends = bounds[1::2]
        between = parts[2:-1:2]
        gaps = list(map(_GAP_CACHE.get, between))
        if None in gaps:
            gaps = [g if g is not None else classify_gap(t) for g, t in zip(gaps, between)]
        return cls(fld, index, text, folded, words, starts, ends, bytes(gaps))

    @cached_property
    def caps_share(self) -> float:
        """Share of the field's cased letters written in capitals."""
        text = self.original
        if text.isascii():
            upper, lower = ascii_case_counts(text)
        else:
            upper = sum(1 for c in text if c.isupper())
            lower = sum(1 for c in text if c.islower())
        return upper / max(1, upper + lower)

    def for_field(self, fld: Field, index: int | None) -> FieldDoc:
        """The same prepared text, as a sentence of another field (keeps computed parts)."""
        twin = copy.copy(self)
        twin.field = fld
        twin.index = index
        return twin

    @property
    def text(self) -> str:
        return self.folded.text

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        return self.folded.span(start, end)

    def gap_text(self, k: int) -> str:
        """The folded text between token k and token k + 1."""
        return self.folded.text[self.ends[k]:self.starts[k + 1]]

    @cached_property
    def mostly_han(self) -> bool:
        """Is the field Chinese text (no fewer Han characters than Latin letters)? Latin
        words in it are foreign words, most often names, and their case tells nothing."""
        if not self.has_han:
            return False
        text = self.folded.text
        han = len(HAN_RE.findall(text))
        return han >= sum(1 for ch in text if "a" <= ch <= "z")

    @cached_property
    def has_han(self) -> bool:
        return HAN_RE.search(self.folded.text) is not None

    @cached_property
    def han(self) -> tuple[str, tuple[int, ...], tuple[bool, ...]]:
        """Han characters of the field with split marks between them removed.

        Returns the Han string (with "\\0" where a run of Han characters ends), the folded
        index of each character, and for each character whether a split mark (`耐-克`,
        `耐★克`, a space next to a lone character: `耐 克`) stood right before it.
        """
        ft = self.folded.text
        if ALL_HAN_RE.fullmatch(ft):
            return ft, tuple(range(len(ft))), (False,) * len(ft)  # the usual run: nothing between
        chars: list[str] = []
        pos: list[int] = []
        split: list[bool] = []
        last = -1  # end of the previous run of Han characters
        last_alone = False  # the previous run is one character with a space or nothing before it
        for m in ALL_HAN_RE.finditer(ft):
            start, end = m.span()
            if last < 0:
                split.append(False)
            else:
                between = ft[last:start]
                if (len(between) <= 2 and all(unicodedata.category(c)[0] in "PS" for c in between)) or (
                        between == " " and last_alone):
                    # 耐-克, 耐★克: the run goes on across the mark; and across one space
                    # after a character standing alone between spaces (耐 克, 耐 克运动鞋):
                    # Chinese parts words with no space, so lone characters are a name
                    # pulled apart (not 30米 的: that 米 is a unit)
                    split.append(True)
                else:
                    chars.append("\0"); pos.append(-1); split.append(False)
                    split.append(False)
            chars.append(m.group())
            pos.extend(range(start, end))
            split.extend([False] * (end - start - 1))
            last_alone = end - start == 1 and (start == 0 or ft[start - 1].isspace())
            last = end
        return "".join(chars), tuple(pos), tuple(split)
