"""Chinese helpers: toneless pinyin, near-homophone folding, shape-alike folding and
word boundaries from jieba's dictionary (used only around candidates, never on whole texts).
"""
from __future__ import annotations

import logging
import threading
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

import jieba
from pypinyin import pinyin_dict

jieba.setLogLevel(logging.WARNING)

# Common near-homophone substitutions (fuzzy pinyin): retroflex vs dental initials, n/l,
# front vs back nasal finals.
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"))
_FUZZY_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))


def _toneless(syllable: str) -> str:
    s = unicodedata.normalize("NFD", syllable)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.replace("ü", "v").replace("u\u0308", "v")


_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r",
             "z", "c", "s", "y", "w")


def split_syllable(s: str) -> tuple[str, str]:
    """(initial, final) of a toneless pinyin syllable."""
    for ini in _INITIALS:
        if s.startswith(ini) and len(s) > len(ini):
            return ini, s[len(ini):]
    return "", s


@cache
def syllable_parts(ch: str) -> tuple[str, str] | None:
    """(initial, final) of a Han character's first reading, or None."""
    syl = pinyin_of(ch)
    return split_syllable(syl[0]) if syl else None


def fuzzy_syllable(s: str) -> str:
    for a, b in _FUZZY_INITIALS:
        if s.startswith(a):
            s = b + s[len(a):]
            break
    for a, b in _FUZZY_FINALS:
        if s.endswith(a):
            s = s[: -len(a)] + b
            break
    return s


@lru_cache(maxsize=1)
def _pinyin_tables() -> tuple[dict[int, str], dict[int, str]]:
    """codepoint -> toneless pinyin (first reading), and codepoint -> fuzzy-syllable char."""
    plain: dict[int, str] = {}
    for code, readings in pinyin_dict.pinyin_dict.items():
        plain[code] = _toneless(readings.split(",")[0])
    syllables = sorted({fuzzy_syllable(s) for s in plain.values()})
    ids = {s: chr(0xE000 + i) for i, s in enumerate(syllables)}
    sound = {code: ids[fuzzy_syllable(s)] for code, s in plain.items()}
    return plain, sound


@lru_cache(maxsize=1)
def final_codes() -> tuple[dict[int, str], dict[str, str]]:
    """A str.translate table from codepoint to one private-use character (plane 15) per
    final of its first reading, as `syllable_parts` gives it (characters with no reading
    are left out), and the character of each final."""
    plain, _ = _pinyin_tables()
    finals = {code: split_syllable(s)[1] for code, s in plain.items()}
    ids = {f: chr(0xF0000 + i) for i, f in enumerate(sorted(set(finals.values())))}
    return {code: ids[f] for code, f in finals.items()}, ids


def pinyin_of(text: str) -> list[str] | None:
    """Toneless pinyin syllables of a Han string (first readings), or None if any char lacks one."""
    plain, _ = _pinyin_tables()
    out = []
    for ch in text:
        s = plain.get(ord(ch))
        if s is None:
            return None
        out.append(s)
    return out


def sound_key(text: str) -> str:
    """One private-use character per (fuzzy) syllable; same length as `text`."""
    _, sound = _pinyin_tables()
    return text.translate(sound)


def load_shape_table(path: Path) -> dict[int, str]:
    """Shape-alike groups, one per line: the first character is the group's representative."""
    table: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        chars = [c for c in line if not c.isspace()]
        for c in chars[1:]:
            table[ord(c)] = chars[0]
    return table


_BASE: jieba.Tokenizer | None = None
_BASE_LOCK = threading.Lock()


def _base_dictionary() -> jieba.Tokenizer:
    global _BASE
    with _BASE_LOCK:
        if _BASE is None:
            tok = jieba.Tokenizer()
            tok.initialize()
            _BASE = tok
        return _BASE


class WordBoundaries:
    """jieba's dictionary, extended with the list's Chinese names, asked about one window."""

    def __init__(self, extra_words: list[str]) -> None:
        # jieba's own dictionary is read once per process (about a second); every index
        # built after that (a list change) starts from a copy of it
        base = _base_dictionary()
        self._tok = jieba.Tokenizer()
        self._tok.FREQ = dict(base.FREQ)
        self._tok.total = base.total
        self._tok.initialized = True
        for w in extra_words:
            if w not in self._tok.FREQ or not self._tok.FREQ[w]:
                self._tok.add_word(w, freq=max(self._tok.suggest_freq(w, tune=False), 5))

    def __getstate__(self) -> dict:
        # the tokenizer holds a lock; its dictionary and total are all it knows
        return {"freq": self._tok.FREQ, "total": self._tok.total}

    def __setstate__(self, state: dict) -> None:
        self._tok = jieba.Tokenizer()
        self._tok.FREQ = state["freq"]
        self._tok.total = state["total"]
        self._tok.initialized = True

    def freq(self, word: str) -> int:
        return self._tok.FREQ.get(word, 0) or 0

    def is_word(self, word: str, min_freq: int = 1) -> bool:
        return self.freq(word) >= min_freq

    def fits(self, run: str, start: int, end: int) -> bool:
        """Does run[start:end] stand as a word (or the head/tail of a compound) in `run`?

        Rejects a candidate that jieba sees as part of a longer word whose rest is a single
        character (三星|级, 小米|粥, 甜美|的 crossing) and accepts compounds whose rest is a
        word of its own (苹果|手机).
        """
        lo = max(0, start - 6)
        hi = min(len(run), end + 6)
        window = run[lo:hi]
        s, e = start - lo, end - lo
        bounds = set()
        spans = []
        for word, a, b in self._tok.tokenize(window, HMM=False):
            bounds.add(a)
            bounds.add(b)
            spans.append((a, b))
        if s in bounds and e in bounds:
            return True
        for a, b in spans:
            if a <= s and e <= b and (a, b) != (s, e):
                rest = [window[a:s], window[e:b]]
                return all(not r or (len(r) >= 2 and self.is_word(r)) for r in rest)
        return False
