"""Chinese helpers: toneless pinyin, near-homophone folding, shape-alike folding and
word boundaries from jieba's dictionary (used only around candidates, never on whole texts).
"""
from __future__ import annotations

import importlib.util
import logging
import re
import threading
import unicodedata
from array import array
from collections.abc import Collection
from functools import cache, lru_cache
from math import log
from pathlib import Path
from typing import TYPE_CHECKING

from app.engine.memory import remembered

if TYPE_CHECKING:
    import jieba

# The text jieba cuts by its dictionary (its re_han_default, copied so that an engine read
# from a snapshot never imports jieba: 170 ms, with the pkg_resources it imports; a test
# checks the copy); any other character is a word alone.
_JIEBA_BLOCK = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.UNICODE)

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


def _pinyin_readings() -> dict[int, str]:
    """pypinyin's table of character readings (codepoint -> "reading,reading,..."), its
    module `pypinyin.pinyin_dict` loaded on its own: importing the package would also load
    its phrase dictionary, 57 MB in every worker that nothing here reads."""
    package = importlib.util.find_spec("pypinyin")  # finds the package without importing it
    if package is None or not package.submodule_search_locations:
        raise ImportError("pypinyin is not installed")
    spec = importlib.util.spec_from_file_location(
        "pypinyin_readings", Path(package.submodule_search_locations[0]) / "pinyin_dict.py")
    if spec is None or spec.loader is None:
        raise ImportError("pypinyin has no pinyin_dict module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.pinyin_dict


@lru_cache(maxsize=1)
def _pinyin_tables() -> tuple[dict[int, str], dict[int, str]]:
    """codepoint -> toneless pinyin (first reading), and codepoint -> fuzzy-syllable char."""
    plain: dict[int, str] = {}
    for code, readings in _pinyin_readings().items():
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
            import jieba  # only to build an index (see _JIEBA_BLOCK)

            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            tok.initialize()
            _BASE = tok
        return _BASE


def jieba_with(extra_words: list[str]) -> jieba.Tokenizer:
    """A jieba tokenizer with its own dictionary and `extra_words` added (each with the
    frequency jieba suggests for it, at least 5). jieba's dictionary is read once per
    process (about a second); every one made after that (a list change) starts from a copy."""
    import jieba

    base = _base_dictionary()
    tok = jieba.Tokenizer()
    tok.FREQ = dict(base.FREQ)
    tok.total = base.total
    tok.initialized = True
    for w in extra_words:
        if w not in tok.FREQ or not tok.FREQ[w]:
            tok.add_word(w, freq=max(tok.suggest_freq(w, tune=False), 5))
    return tok


# how often jieba's dictionary counts a word for it to be an everyday word whatever its tag
EVERYDAY_FREQ = 50


# jieba's tags for proper nouns: people (and transliterated names), places, organisations,
# other names
PROPER_NOUN_TAGS = frozenset({"nr", "nrfg", "nrt", "ns", "nt", "nz"})


# jieba's tags for nouns of any kind (and abbreviations, mostly of names: 联盟, 江淮)
NOUN_TAGS = PROPER_NOUN_TAGS | frozenset({"n", "ng", "nl", "j"})


@cache
def _tagged_words() -> tuple[frozenset[str], frozenset[str]]:
    """One pass over jieba's tagged dictionary: (rare proper nouns, describing words).
    Read once per process: a list change leaves them as they are."""
    base = _base_dictionary()
    proper, describing = set(), set()
    with base.get_dict_file() as fh:
        for raw in fh:
            parts = raw.decode("utf-8").split()
            if len(parts) < 3:
                continue
            if parts[2] in PROPER_NOUN_TAGS:
                if base.FREQ.get(parts[0], 0) < EVERYDAY_FREQ:
                    proper.add(parts[0])
            elif parts[2] not in NOUN_TAGS:
                describing.add(parts[0])
    return frozenset(proper), frozenset(describing)


def _rare_proper_nouns() -> frozenset[str]:
    """The words jieba's dictionary tags as proper nouns and counts less than 50 times
    (102,000 of its 349,000 words; frequent words are everyday words whatever their tag)."""
    return _tagged_words()[0]


def frequent_words(words: Collection[str]) -> frozenset[str]:
    """Those of `words` that jieba's own dictionary counts EVERYDAY_FREQ times or more:
    everyday words whatever their tag (胡桃 walnut, 战地 battlefield, 星座 constellation)."""
    freq = _base_dictionary().FREQ
    return frozenset(w for w in words if freq.get(w, 0) >= EVERYDAY_FREQ)


def unknown_words(words: Collection[str]) -> frozenset[str]:
    """Those of `words` that jieba's own dictionary does not hold at all, not even as the
    start of a longer word: made-up names (红米, 小棕瓶, 皇家橡树; not 安卓, 四叶草)."""
    freq = _base_dictionary().FREQ
    return frozenset(w for w in words if w not in freq)


def describing_words() -> frozenset[str]:
    """The words jieba's dictionary tags as something other than a noun: time words and
    adjectives (现代 modern, 舒适 comfortable), verbs (渴望), sounds (叮当)."""
    return _tagged_words()[1]


class WordBoundaries:
    """jieba's dictionary, extended with the list's Chinese names, asked about one window.

    Built with jieba; afterwards it keeps only the words and their frequencies and cuts a
    window itself as jieba's exact mode without HMM (`jieba.cut(text, HMM=False)`) does:
    the same words, the same most probable route, the same result. jieba's dictionary also
    holds every prefix of every word (270,000 more keys, frequency 0) so its cut can stop
    at the first fragment that starts no word; a window here is a few characters, so every
    fragment up to the longest word starting with its first character is looked up
    instead, and the prefixes are dropped (30 MB less per worker at 100,000 brands).
    """

    def __init__(self, extra_words: list[str]) -> None:
        tok = jieba_with(extra_words)
        self._set({w: f for w, f in tok.FREQ.items() if f}, tok.total)
        self._proper = _rare_proper_nouns()  # the proper nouns everyday_word asks about

    def _set(self, freq: dict[str, int], total: int, longest: dict[str, int] | None = None) -> None:
        self._freq = freq
        self._total = total
        self._log_total = log(total)
        if longest is None:  # the longest word starting with each character
            longest = {}
            for w in freq:
                if len(w) > longest.get(w[0], 0):
                    longest[w[0]] = len(w)
        self._longest = longest
        self._cuts: dict[str, tuple[tuple[int, int], ...]] = {}  # window -> its cut (the same windows recur)

    def __getstate__(self) -> dict:
        # the words (380,000) pickled as one string and their frequencies as one array:
        # the words of a pickled dict would be read back one object at a time (jieba's
        # words and the Chinese names, Han only, hold no line break)
        return {"words": "\n".join(self._freq), "freqs": array("q", self._freq.values()).tobytes(),
                "total": self._total, "longest": self._longest, "proper": "\n".join(sorted(self._proper))}

    def __setstate__(self, state: dict) -> None:
        freqs = array("q")
        freqs.frombytes(state["freqs"])
        self._set(dict(zip(state["words"].split("\n"), freqs)) if freqs else {}, state["total"], state["longest"])
        self._proper = frozenset(state["proper"].split("\n")) if state["proper"] else frozenset()

    def freq(self, word: str) -> int:
        return self._freq.get(word, 0)

    def is_word(self, word: str, min_freq: int = 1) -> bool:
        return self.freq(word) >= min_freq

    def everyday_word(self, word: str) -> bool:
        """A word of jieba's dictionary that names nothing: frequent (50 and over), or tagged
        as no proper noun (七夕, the Qixi festival; 散养, free-range). A rare word tagged as a
        name, often a transliteration, is not: that is how brand names get misspelt. For a
        text that is no name of the list: the list's names are in the dictionary too."""
        f = self._freq.get(word, 0)
        return f >= EVERYDAY_FREQ or (f > 0 and word not in self._proper)

    def cut(self, text: str) -> tuple[tuple[int, int], ...]:
        """The (start, end) of each word of `text` as jieba.cut(text, HMM=False) cuts it:
        runs of jieba's Chinese block characters by the most probable route through the
        dictionary's words, any other character a word of its own (a window of Han text
        holds no space, letter or digit). Remembered per text: a window around a name
        recurs in many sentences (56% of them in the benchmark's listings at 50k brands)."""
        return remembered(self._cuts, text, lambda: tuple(self._cut(text)), 100_000)

    def clear(self) -> None:
        self._cuts.clear()

    def _cut(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        pos = 0
        for block in _JIEBA_BLOCK.split(text):
            if not block:
                continue
            if _JIEBA_BLOCK.match(block):
                spans.extend((pos + a, pos + b) for a, b in self._route(block))
            else:
                spans.extend((pos + k, pos + k + 1) for k in range(len(block)))
            pos += len(block)
        return spans

    def _route(self, block: str) -> list[tuple[int, int]]:
        """jieba's calc over its DAG: for each position from the end, the best of the words
        starting there (score, then the later end on a tie), as jieba computes it."""
        freq, longest = self._freq, self._longest
        n = len(block)
        route: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)
        for k in range(n - 1, -1, -1):
            # (frequency, end) of each word starting at k; none: the character alone, as 1
            words = [(f, i) for i in range(k, min(n, k + longest.get(block[k], 1))) if (f := freq.get(block[k:i + 1]))]
            route[k] = max((log(f) - self._log_total + route[x + 1][0], x) for f, x in words or [(1, k)])
        spans = []
        k = 0
        while k < n:
            end = route[k][1] + 1
            spans.append((k, end))
            k = end
        return spans

    def fits(self, run: str, start: int, end: int, *, coined: bool = False) -> bool:
        """Does run[start:end] stand as a word (or the head/tail of a compound) in `run`?

        Rejects a candidate that jieba sees as part of a longer word whose rest is a single
        character (三星|级, 小米|粥, 甜美|的 crossing) and accepts compounds whose rest is a
        word of its own (苹果|手机). A `coined` name (no everyday word: 乐高) that starts a
        word also stands where jieba's cut runs its last character into the next word but
        the text after it starts with a word of two characters or more (乐|高手|办 is
        乐高|手办: a made-up name is rare in jieba's counts, and loses every such contest).
        """
        lo = max(0, start - 6)
        hi = min(len(run), end + 6)
        window = run[lo:hi]
        s, e = start - lo, end - lo
        bounds = set()
        spans = []
        for a, b in self.cut(window):
            bounds.add(a)
            bounds.add(b)
            spans.append((a, b))
        if s in bounds and e in bounds:
            return True
        if coined and s in bounds and e < len(window):
            a, b = self.cut(window[e:])[0]
            if b - a >= 2:
                return True
        for a, b in spans:
            if a <= s and e <= b and (a, b) != (s, e):
                rest = [window[a:s], window[e:b]]
                return all(not r or (len(r) >= 2 and self.is_word(r)) for r in rest)
        return False
