"""Brand matching strategies. Each one reads a prepared field and proposes candidates;
the screener decides which candidates become hits (evidence, overlaps, severity).
"""
from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, compress, pairwise, repeat

import jellyfish
from rapidfuzz import process
from rapidfuzz.distance import OSA

from app.engine.brand_index import (
    BrandIndex,
    MarkEntry,
    Role,
    collapse_repeats,
    fuzzy_depth,
)
from app.engine.chinese import pinyin_of, sound_key, syllable_parts
from app.engine.document import FieldDoc, Gap
from app.engine.models import MatchType
from app.engine.normalize import is_han

# Affixes sellers fuse onto a brand to claim its look without writing it plainly.
LATIN_SUFFIXES = ("style", "styles", "styled", "ish", "esque", "inspired", "like", "type", "look",
                  "vibe", "vibes", "alike", "y", "ey", "ie")
# The same affixes written as a hyphenated word: Gucci-inspired, Chanel-style.
LATIN_SUFFIX_WORDS = frozenset({"style", "styled", "inspired", "like", "type", "look", "esque", "ish", "vibe", "vibes"})
HAN_SUFFIXES = ("同款", "风格", "风", "式", "款", "系列", "类", "版", "型")

_FUSED_MODEL = re.compile(r"^[a-z]{0,3}\d[a-z0-9]{0,8}$")
NO_READING: tuple = ((), False, False)  # a word that starts no name (most words)

LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g"})
LEET_L = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g"})


@dataclass(slots=True)
class Candidate:
    start: int                  # folded offsets
    end: int
    entry: MarkEntry
    match: MatchType
    score: float
    explain: list[str] = field(default_factory=list)
    disguised: bool = False     # written so as to dodge filters: itself evidence of intent
    weak: bool = False          # a loose reading: reported only with evidence from context


class BrandMatcher:
    """One way of finding brand names in a field."""

    name = "base"
    needs_han = False  # finds nothing in a field without Chinese characters

    def find(self, doc: FieldDoc, index: BrandIndex) -> list[Candidate]:
        raise NotImplementedError


def foreign_word(doc: FieldDoc, start: int, end: int) -> bool:
    """Letters that only look Latin in a word of another script (Russian "ар" is not "ap")."""
    o0, o1 = doc.orig_span(start, end)
    letters = [c for c in doc.original[o0:o1] if c.isalpha()]
    return bool(letters) and not any(c.isascii() for c in letters) and any(
        unicodedata.name(c, "").startswith(("CYRILLIC", "GREEK", "ARMENIAN")) for c in letters)


def _surface_explain(doc: FieldDoc, start: int, end: int, entry: MarkEntry) -> tuple[MatchType, list[str]]:
    """Exact when the original reads as the list name ignoring case; else say what differs."""
    o0, o1 = doc.orig_span(start, end)
    surface = doc.original[o0:o1]
    if surface.casefold() == entry.surface.casefold():
        return MatchType.EXACT, []
    why = []
    if any(unicodedata.category(c) == "Cf" for c in surface):
        why.append("hidden zero-width characters removed")
    odd = [c for c in surface if not c.isascii() and unicodedata.category(c)[0] == "L"]
    if odd and not any(not c.isascii() for c in entry.surface):
        sample = "".join(dict.fromkeys(odd))[:4]
        why.append(f"lookalike characters {sample!r} read as Latin letters")
    if any(not c.isalnum() and not c.isspace() for c in surface) and surface.replace(" ", "") != entry.surface.replace(" ", ""):
        why.append("spacing or punctuation inside the name ignored")
    elif " " in surface and " " not in entry.surface:
        why.append("spaces between the letters ignored")
    if not why:
        if surface.replace(" ", "").casefold() != entry.surface.replace(" ", "").casefold():
            if _alnum(surface) == _alnum(entry.surface):
                why.append(f"written as {entry.surface!r} without its marks")  # r2d2 for R2-D2
            else:
                why.append("accents and letter forms normalised")
        elif surface.count(" ") != entry.surface.count(" "):
            why.append(f"written as {entry.surface!r} with other spacing")
        else:
            return MatchType.EXACT, []
    return MatchType.VARIANT, why


def _alnum(text: str) -> str:
    return "".join(c for c in text if c.isalnum()).casefold()


# Variant readings that only someone dodging a filter would write (accents dropped or
# letter case are ordinary spellings and are not in this list).
_DISGUISES = ("hidden zero-width", "lookalike characters", "spacing or punctuation", "spaces between")


# punctuation and a space that end a phrase, but stand inside some names (Dr. Martens,
# Magic: The Gathering, Mr. Men)
_SOFT_BREAKS = (". ", ": ")


def _soft_breaks(doc: FieldDoc) -> dict[int, str] | None:
    """The phrase breaks of the sentence that are one of _SOFT_BREAKS, by gap number, with
    their mark; None when it has none (the usual case, told by two C searches)."""
    text = doc.text
    if ". " not in text and ": " not in text:
        return None
    return {k: text[doc.ends[k]] for k, g in enumerate(doc.gaps)
            if g == Gap.BREAK and doc.gap_text(k) in _SOFT_BREAKS} or None


class LatinNameMatcher(BrandMatcher):
    """Names in Latin script: exact, case/spacing/punctuation variants, lookalike letters,
    derivatives (Rolexy, rolexstyle, Rolex-inspired) and pinyin spellings (laolishi)."""

    name = "latin"

    def find(self, doc: FieldDoc, index: BrandIndex) -> list[Candidate]:
        if index.latin_trie is None or not doc.words:
            return []
        words, gaps = doc.words, doc.gaps
        soft = _soft_breaks(doc)
        out: list[Candidate] = []
        for i, j, key in self.spans(words, gaps, index, soft):
            entries = index.latin[key]
            if j is None:
                out.extend(self._derivative(doc, index, i, key, entries))
                continue
            span_ok, spaced = self._valid_join(doc, i, j, entries, soft)
            if not span_ok:
                continue
            start, end = doc.starts[i], doc.ends[j]
            if foreign_word(doc, start, end):
                continue
            for e in entries:
                if e.role == Role.PINYIN:
                    if i != j:
                        continue
                    # the pinyin of an everyday word (lianxiang, 联想) needs the context's word
                    out.append(Candidate(start, end, e, MatchType.TRANSLATION, 0.9,
                                         [f"pinyin {key} = {e.surface}"], True, e.ordinary))
                    continue
                match, why = _surface_explain(doc, start, end, e)
                if spaced and "spaces between the letters ignored" not in why:
                    why.append("spaces between the letters ignored")
                    match = MatchType.VARIANT
                disguised = any(w.startswith(_DISGUISES) for w in why)
                stop = end
                weak = False
                if j + 1 < len(words) and gaps[j] == Gap.TIGHT and words[j + 1] in LATIN_SUFFIX_WORDS:
                    stop = doc.ends[j + 1]  # Gucci-inspired: the name with a style suffix
                    why.append(f"the name plus '-{words[j + 1]}' claims the brand's look")
                    # an everyday word so joined (ocean-inspired) needs the context's word
                    match, disguised, weak = MatchType.DERIVATIVE, True, e.ordinary
                out.append(Candidate(start, stop, e, match, 0.98 if match == MatchType.EXACT else 0.95,
                                     why, disguised, weak))
        return out

    @staticmethod
    def spans(words: Sequence[str], gaps: bytes, index: BrandIndex,
              soft: dict[int, str] | None = None) -> list[tuple[int, int | None, str]]:
        """Where a name starts at a word: (i, j, key) for words i..j written together as
        the key (no phrase break between them but the `soft` ones, see _soft_breaks), and
        (i, None, key) for a key that begins
        word i and has an affix or a model fused on (`_fused`). In the order of where the
        key ends, the longer first where two end together.

        What each word alone tells is looked up once per index (`_word_reading`); words
        are joined only from a word some key starts with, and only while the trie says
        one goes on (most words start no name)."""
        latin, goes_on = index.latin, index.latin_trie.match
        readings = index_cache(index, "latin_words")
        seen = list(map(readings.get, words))  # one C pass; a new word is read once
        if None in seen:
            seen = [r if r is not None else LatinNameMatcher.reading(w, index) for r, w in zip(seen, words)]
        found: list[tuple[int, int, int, int | None, str]] = []  # (end, -length, i, j, key)
        last = len(words) - 1
        # where each word starts, counting the words' letters only (joined, as keys are)
        offsets = list(accumulate(map(len, words), initial=0))
        for i in compress(range(len(words)), map(operator.is_not, seen, repeat(NO_READING))):
            prefixes, whole, starts_key = seen[i]
            pos, w = offsets[i], words[i]
            for key in prefixes:
                found.append((pos + len(key), -len(key), i, None, key))
            if whole:
                found.append((pos + len(w), -len(w), i, i, w))
            if not starts_key:
                continue
            joined, j = w, i
            while j < last and (gaps[j] != Gap.BREAK or (soft and j in soft)):
                j += 1
                joined += words[j]
                if not goes_on(joined):
                    break
                if joined in latin:
                    found.append((offsets[j + 1], -len(joined), i, j, joined))
        if len(found) > 1:
            found.sort(key=lambda f: (f[0], f[1]))
        return [(i, j, key) for _end, _neg, i, j, key in found]

    @staticmethod
    def _word_reading(w: str, index: BrandIndex) -> tuple[tuple[str, ...], bool, bool]:
        """What a word alone tells: the keys that begin it with an affix or a model fused
        on (`_fused`: rolexstyle, iphone7plus), whether it is a key, and whether some key
        starts with it (so words after it may complete one)."""
        latin = index.latin
        prefixes = tuple(w[:k] for k in range(4, len(w)) if w[:k] in latin and _fused(w, w[:k], index))
        reading = (prefixes, w in latin, index.latin_trie.match(w))
        return reading if reading != NO_READING else NO_READING

    @staticmethod
    def reading(t: str, index: BrandIndex) -> tuple[tuple[str, ...], bool, bool]:
        """`_word_reading`, remembered per index."""
        readings = index_cache(index, "latin_words")
        found = readings.get(t)
        if found is None:
            found = index.seeded("latin_words", t, NO_READING)
            if found is None:
                found = LatinNameMatcher._word_reading(t, index)
            readings[t] = found
        return found

    @staticmethod
    def may_join(toks: list[str], starts: frozenset[str] | set[str], index: BrandIndex) -> bool:
        """Can a name start with two neighbouring words of `toks` written together? Only
        pairs whose first word is among `starts` (words some key starts with) are asked."""
        if index.latin_trie is None:
            return False
        goes_on = index.latin_trie.match  # a trie lookup per such pair of words
        return any(goes_on(a + b) for a, b in pairwise(toks) if a in starts)

    @staticmethod
    def _valid_join(doc: FieldDoc, i: int, j: int, entries: list[MarkEntry],
                    soft: dict[int, str] | None) -> tuple[bool, bool]:
        """May words i..j be read as one name? Returns (ok, letter_spaced). `soft`: see
        _soft_breaks."""
        if i == j:
            return True, False
        words, gaps = doc.words, doc.gaps
        if soft and any(gaps[k] == Gap.BREAK for k in range(i, j)):
            # across "Dr. " or "Magic: " only where the name itself has that mark there
            pos, marks = 0, []
            for k in range(i, j):
                pos += len(words[k])
                if gaps[k] == Gap.BREAK:
                    marks.append((pos, soft[k]))
            entries = [e for e in entries if all(p in e.bounds and m in e.surface for p, m in marks)]
            if not entries:
                return False, False
        if sum(len(words[k]) for k in range(i, j + 1)) <= 3:
            # two or three loose letters (a-p, h d) are not a name, but letters joined by an
            # ampersand as the name joins them are (D&G, H&M, B&O)
            return any("&" in e.surface for e in entries) and all(
                doc.gap_text(k) == "&" for k in range(i, j)), False
        inner = gaps[i:j]
        if all(len(words[k]) == 1 for k in range(i, j + 1)) and j - i >= 2:
            # letter-spaced (n i k e, S T A N L E Y): the whole run of single letters
            left_more = i > 0 and gaps[i - 1] != Gap.BREAK and len(words[i - 1]) == 1
            right_more = j + 1 < len(words) and gaps[j] != Gap.BREAK and len(words[j + 1]) == 1
            return (not left_more and not right_more), any(g == Gap.SPACE for g in inner)
        # Every space must fall where the name itself has a word boundary.
        pos = 0
        space_at = []
        for k in range(i, j):
            pos += len(words[k])
            if inner[k - i] == Gap.SPACE:
                space_at.append(pos)
        if not space_at:
            return True, False
        return any(all(p in e.bounds for p in space_at) for e in entries), False

    @staticmethod
    def _derivative(doc: FieldDoc, index: BrandIndex, i: int, key: str,
                    entries: list[MarkEntry]) -> list[Candidate]:
        word, tok_start, tok_end = doc.words[i], doc.starts[i], doc.ends[i]
        rest = word[len(key):]
        kind = _fused(word, key, index)
        if kind == "model":
            # name and model written as one word: iphone7plus, oppor9s, vivox7
            out = []
            for e in entries:
                if e.role == Role.PINYIN or e.words > 1:
                    continue
                out.append(Candidate(tok_start, tok_start + len(key), e, MatchType.EXACT, 0.95,
                                     [f"written together with the model {rest!r}"]))
            return out
        if kind != "suffix":
            return []
        out = []
        for e in entries:
            if e.role == Role.PINYIN or e.words > 1:
                continue
            # an everyday word with a suffix (goldie, sharpie) is weak: the context decides
            out.append(Candidate(tok_start, tok_end, e, MatchType.DERIVATIVE, 0.88,
                                 [f"{e.surface!r} fused with the suffix {rest!r}"], True, e.ordinary))
        return out


# What a word-level matcher finds for one word: entry, match type, score, explanation,
# written in disguise, loose reading (Candidate fields without the offsets).
Template = tuple[MarkEntry, MatchType, float, tuple[str, ...], bool, bool]


class TokenMatcher(BrandMatcher):
    """A matcher that reads one word at a time: what it finds depends on the word alone, so
    each word is looked up once per index and remembered (the same word recurs in many
    listings), and the engine can tell from the word alone whether a sentence needs it."""

    def lookup(self, t: str, index: BrandIndex) -> tuple[Template, ...]:
        raise NotImplementedError

    def cached(self, t: str, index: BrandIndex) -> tuple[Template, ...]:
        cache = index_cache(index, self.name)
        found = cache.get(t)
        if found is None:
            found = cache[t] = self._answer(t, index)
        return found

    def _answer(self, t: str, index: BrandIndex) -> tuple[Template, ...]:
        found = index.seeded(self.name, t, ())  # kept: nothing, for most common words
        return self.lookup(t, index) if found is None else found

    def find(self, doc: FieldDoc, index: BrandIndex) -> list[Candidate]:
        out = []
        cache = index_cache(index, self.name)
        get = cache.get
        for word, start, end in zip(doc.words, doc.starts, doc.ends):
            found = get(word)  # `cached`, without a call per word
            if found is None:
                found = cache[word] = self._answer(word, index)
            for entry, match, score, why, disguised, weak in found:
                out.append(Candidate(start, end, entry, match, score, list(why), disguised, weak))
        return out


def _fused(word: str, key: str, index: BrandIndex) -> str | None:
    """How the name `key` at the start of `word` has something fused on: "model"
    (iphone7plus), "suffix" (rolexstyle), or None."""
    if len(key) < 4 or len(key) >= len(word):
        return None
    rest = word[len(key):]
    if _FUSED_MODEL.match(rest) and word not in index.real_words:
        return "model"
    if rest in LATIN_SUFFIXES and word not in index.common_words:
        return "suffix"
    return None


class LeetMatcher(TokenMatcher):
    """Digits standing in for letters inside a word: R0lex, C4non, S0ny."""

    name = "leet"

    def lookup(self, t: str, index: BrandIndex) -> tuple[Template, ...]:
        if t.isalpha() or t.isdigit() or len(t) < 4:
            return ()
        letters = sum(c.isalpha() for c in t)
        if letters < 2 or letters < len(t) / 2:
            return ()
        read = unleet(t, index.latin)
        if read is None:
            return ()
        key, why = read
        return tuple((e, MatchType.VARIANT, 0.93, (why,), True, False)
                     for e in index.latin[key] if not (e.role == Role.PINYIN or e.words > 1 or len(key) < 4))


def unleet(t: str, known: Collection[str]) -> tuple[str, str] | None:
    """t with its digits read as letters (0 as o, 1 as i or else l, 3 as e...), if that is a
    word of `known`, with how it was read."""
    for table in (LEET, LEET_L):
        key = t.translate(table)
        if key != t and key in known:
            return key, "leetspeak: " + ", ".join(f"{a} read as {b}" for a, b in zip(t, key) if a != b)
    return None


class RepeatedLetterMatcher(TokenMatcher):
    """Letters doubled or undoubled: Pradaa, Rebook (Reebok), Guccci."""

    name = "repeats"

    def lookup(self, t: str, index: BrandIndex) -> tuple[Template, ...]:
        if len(t) < 5 or not t.isalpha() or t in index.latin or t in index.real_words:
            return ()
        weak = t in index.rare_words
        # a doubled letter of a short name written once is a letter dropped, which a name of
        # six letters or fewer is not read through (Momin, a given name, is not Moomin)
        return tuple((e, MatchType.VARIANT, 0.9, (f"repeated letters of {e.surface!r} changed",), True, weak or e.ordinary)
                     for key in index.collapsed.get(collapse_repeats(t), ()) if not len(t) < len(key) <= 6
                     for e in index.latin[key])


class NamePartMatcher(TokenMatcher):
    """One word of a name of several words in disguise, the others as written: Calvin Kl3in,
    C4nada Goose, Michael Korz, Golden Gose. The disguised word is read alone (leetspeak,
    one letter off, a sound-alike: see BrandIndex._index_parts); the name is taken only
    where its other words stand around it, in one phrase."""

    name = "parts"

    def lookup(self, t: str, index: BrandIndex) -> tuple[tuple[str, MatchType, float, str], ...]:  # type: ignore[override]
        """(name word, match, score, why) for each reading of t as a word of a name."""
        parts = index.parts
        if len(t) < 3 or t in parts or t in index.real_words or t in index.latin or t.isdigit():
            return ()
        if not t.isalpha():
            read = unleet(t, parts) if sum(c.isalpha() for c in t) >= 2 else None
            return () if read is None else ((read[0], MatchType.VARIANT, 0.93, read[1]),)
        single = collapse_repeats(t)
        if single != t and single in parts:  # Ray Bann, Calvin Kleinn: a letter doubled
            return ((single, MatchType.VARIANT, 0.9, f"a doubled letter of {single!r} read once"),)
        if not 4 <= len(t) <= index.max_fuzzy_len:
            return ()
        # as for one-word names (FuzzyMatcher, PhoneticMatcher): a name's word of six letters
        # or fewer keeps its length (a letter changed or two swapped), a longer one may gain
        # or lose one
        for n in (len(t), len(t) - 1, len(t) + 1):
            if n != len(t) and n <= 6:
                continue
            words = index.part_typos.get((t[0], n))
            if words:
                for w, _d, _ in process.extract(t, words, scorer=OSA.distance, score_cutoff=1, limit=1):
                    return ((w, MatchType.FUZZY, 0.86, f"one letter off {w!r}"),)
        for w in index.part_sounds.get(jellyfish.metaphone(t), ()):
            if w[0] == t[0] and sound_distance(t, w) is not None:
                return ((w, MatchType.HOMOPHONE, 0.84, f"sounds like {w!r} (same phonetic key)"),)
        return ()

    def find(self, doc: FieldDoc, index: BrandIndex) -> list[Candidate]:
        out: list[Candidate] = []
        words, gaps = doc.words, doc.gaps
        cache = index_cache(index, self.name)

        def readings(word: str) -> tuple:
            found = cache.get(word)
            if found is None:
                found = cache[word] = self._answer(word, index)
            return found

        def stands_for(word: str, w: str, q: int, p: int, match: MatchType) -> bool:
            # the name's other words as written, or, after a word in leetspeak, in leetspeak
            # too (Lou1s Vu1tton); a word read loosely (a typo) is read with the others as written
            return word == w or (match == MatchType.VARIANT and q > p and any(
                r[0] == w and r[1] == MatchType.VARIANT for r in readings(word)))

        for i, word in enumerate(words):
            for part, match, score, why in readings(word):
                for key, p, name_words in index.parts[part]:
                    first, last = i - p, i - p + len(name_words) - 1
                    if first < 0 or last >= len(words):
                        continue
                    if any(gaps[k] == Gap.BREAK for k in range(first, last)):
                        continue
                    if not all(stands_for(words[first + q], w, q, p, match) for q, w in enumerate(name_words) if q != p):
                        continue
                    for e in index.latin[key]:
                        if e.words == len(name_words) and e.role != Role.PINYIN:
                            out.append(Candidate(doc.starts[first], doc.ends[last], e, match, score,
                                                 [f"{why} in {e.surface!r}"], True))
        return out


def _compound(t: str, words: frozenset[str]) -> bool:
    """Two dictionary words of four letters or more written as one (bluestone, sunflower):
    a word of its own, not a misspelt name. Dictionary words, not merely frequent ones: the
    frequent include names and fragments (dore + amon is no compound but Doraemon misspelt)."""
    return any(t[:k] in words and t[k:] in words for k in range(4, len(t) - 3))


class _UnknownWordMatcher(TokenMatcher):
    """Looks up words that are neither names nor English words and turns what the lookup
    finds into candidates: the shared frame of typos and sound-alikes."""

    match: MatchType

    def lookup(self, t: str, index: BrandIndex) -> tuple[Template, ...]:
        if (len(t) < 4 or len(t) > index.max_fuzzy_len or not t.isalpha() or t in index.real_words
                or t in index.latin or _compound(t, index.compound_parts)):
            return ()
        rare = t in index.rare_words
        # a name with its last letters cut off (magico for MagicOS) is how other words begin,
        # not how names are misspelt: such a reading needs the context too
        # a misspelt everyday-word name (Chmapion) needs the context its plain form needs
        return tuple((e, self.match, self._score(dist), (why.format(name=e.surface),), True,
                      rare or key.startswith(t) or e.ordinary)
                     for key, dist, why in self._keys(t, index) for e in index.latin[key]
                     if not (e.role == Role.PINYIN or e.words > 1))

    def _keys(self, t: str, index: BrandIndex) -> list[tuple[str, int, str]]:
        raise NotImplementedError

    def _score(self, dist: int) -> float:
        raise NotImplementedError


class FuzzyMatcher(_UnknownWordMatcher):
    """Typos: a word that is not an English word and is one or two edits from a name."""

    name = "fuzzy"
    match = MatchType.FUZZY

    def _score(self, dist: int) -> float:
        return 0.86 if dist == 1 else 0.78

    def _keys(self, t: str, index: BrandIndex) -> list[tuple[str, int, str]]:
        found = []
        for key, dist in index.typo_neighbours(t):
            allowed = fuzzy_depth(len(key))
            if dist == 0 or dist > allowed:
                continue
            if dist == 2 and (t[:2] != key[:2] or t[-1] != key[-1]):
                continue  # two edits only inside a long name whose ends are intact
            if len(key) == 4 and sorted(key) != sorted(t):
                continue  # four-letter names: only swapped letters (Snoy), never a new letter
            if len(key) <= 6 and len(t) != len(key):
                continue  # short names: a letter changed or swapped, not added or dropped (tricot)
            if len(key) == 5 and sorted(key) != sorted(t) and not _vowel_swap(t, key):
                continue  # five letters: a swap or a vowel changed; another consonant is another word (haker, Halma)
            found.append((key, dist))
        found.sort(key=lambda kd: (kd[1], kd[0]))
        return [(key, dist, ("one letter off {name!r}" if dist == 1 else "two letters off {name!r}"))
                for key, dist in found[:1]]


_VOWELS = frozenset("aeiouy")


def _vowel_swap(a: str, b: str) -> bool:
    """Same length, and every differing letter is a vowel on both sides (Rolax, Casia)."""
    return len(a) == len(b) and all(x in _VOWELS and y in _VOWELS for x, y in zip(a, b) if x != y)


_SOUND_SPELLINGS = (("ph", "f"), ("ck", "k"), ("ks", "x"), ("cs", "x"), ("kh", "k"), ("z", "s"), ("y", "i"))
_HARD_C = re.compile(r"c(?![eiy])")


def sound_distance(word: str, key: str) -> int | None:
    """How far a word with a name's phonetic key is spelt from the name, if close enough
    for a sound-alike: one edit under seven letters, two from seven, or any number if
    spelt by sound the same (Roleks, Longinez, Robloks); None if not."""
    dist = OSA.distance(word, key)
    return dist if dist <= (1 if len(key) < 7 else 2) or sound_spelling(word) == sound_spelling(key) else None


def sound_spelling(word: str) -> str:
    """The word with spellings of one sound made one (ph/f, ks/x, z/s, hard c/k, y/i)."""
    for a, b in _SOUND_SPELLINGS:
        if a in word:
            word = word.replace(a, b)
    return _HARD_C.sub("k", word) if "c" in word else word


class PhoneticMatcher(_UnknownWordMatcher):
    """English sound-alikes: same phonetic key (Metaphone or NYSIIS) and close spelling."""

    name = "phonetic"
    match = MatchType.HOMOPHONE

    def _score(self, dist: int) -> float:
        return 0.84

    def _keys(self, t: str, index: BrandIndex) -> list[tuple[str, int, str]]:
        keys = {*index.phonetic.get("m:" + jellyfish.metaphone(t), ()), *index.phonetic.get("n:" + jellyfish.nysiis(t), ())}
        best = []
        for key in keys:
            if key[0] != t[0] or abs(len(key) - len(t)) > 2:
                continue
            dist = sound_distance(t, key)
            if dist is not None:
                best.append((dist, key))
        best.sort()
        return [(best[0][1], best[0][0], "sounds like {name!r} (same phonetic key)")] if best else []


_LOOK_SUFFIXES = ("风格", "风", "式")  # "in the style of": with 同款, the derivatives of a name


class HanNameMatcher(BrandMatcher):
    """Chinese names: exact, Traditional (folded), split by symbols (耐-克), derivatives
    (彪马同款, 香奈儿风), with jieba word boundaries so 三星级 is not 三星."""

    name = "han"
    needs_han = True

    def find(self, doc: FieldDoc, index: BrandIndex) -> list[Candidate]:
        if index.han_ac is None or not doc.has_han:
            return []
        han, pos, split = doc.han
        out = []
        for hend, key in index.han_ac.iter(han):
            entries = index.han.get(key)
            if entries is None:
                continue  # a shape-folded key (the automaton serves both)
            hstart = hend - len(key) + 1
            out.extend(self._candidates(doc, index, han, pos, split, hstart, hend + 1, entries, None))
        return out

    @staticmethod
    def _candidates(doc, index, han, pos, split, hs, he, entries, kind):
        is_split = any(split[k] for k in range(hs + 1, he))
        run_start = han.rfind("\0", 0, hs) + 1
        run_end = han.find("\0", he)
        run_end = len(han) if run_end < 0 else run_end
        run = han[run_start:run_end]
        # Short or ordinary names must stand as words (三星级 is not 三星); a longer name is
        # taken wherever it appears (适配卡西欧表带), as no ordinary word hides it.
        needs_boundary = he - hs <= 2 or any(e.ordinary for e in entries) or kind is not None
        suffix = next((s for s in HAN_SUFFIXES if han.startswith(s, he)), None)
        # before a derivative suffix the name ends where the suffix starts (漫威风书包: not the
        # 威风 of the whole run's cut); only the text before it is asked about its start
        claimed = suffix == "同款" or (suffix in _LOOK_SUFFIXES and not all(e.ordinary for e in entries))
        window = run[:he - run_start] if claimed else run
        coined = kind is None and not any(e.ordinary for e in entries)
        if needs_boundary and not index.boundaries.fits(window, hs - run_start, he - run_start, coined=coined):
            return []
        start, end = pos[hs], pos[he - 1] + 1
        o0, o1 = doc.orig_span(start, end)
        surface = doc.original[o0:o1]
        out = []
        for e in entries:
            why: list[str] = []
            match = MatchType.EXACT
            score = 0.97
            disguised = False
            if kind is not None:
                match, score, disguised = kind[0], kind[1], True
                why.append(kind[2].format(text=han[hs:he], name=e.surface))
            elif is_split:
                match, score, disguised = MatchType.VARIANT, 0.94, True
                why.append("spaces or symbols inserted between the characters ignored")
            elif surface != e.surface and surface != e.key:
                why.append(f"Traditional form of {e.key}")
            if is_split and kind is not None:
                why.append("spaces or symbols inserted between the characters ignored")
            s2, e2 = start, end
            # an everyday-word name takes only 同款 ("the same model as"), said of brands and
            # people, not of things (苹果风 may be apple-patterned; 小米同款 is Xiaomi's)
            if suffix == "同款" or (suffix in _LOOK_SUFFIXES and not e.ordinary):
                e2 = pos[he + len(suffix) - 1] + 1
                if kind is None:
                    match, score = MatchType.DERIVATIVE, 0.93
                why.append(f"the name {e.key} plus '{suffix}' claims the brand's look")
                disguised = True
            out.append(Candidate(s2, e2, e, match, score, why, disguised))
        return out


class HanSoundShapeMatcher(BrandMatcher):
    """Chinese homophones (香耐儿 for 香奈儿) and shape-alike characters (劳刀士 for 劳力士)."""

    name = "han_sound_shape"
    needs_han = True

    def find(self, doc: FieldDoc, index: BrandIndex) -> list[Candidate]:
        if not doc.has_han:
            return []
        han, pos, split = doc.han
        out: list[Candidate] = []
        for ac, folded, table, kind in (
            (index.sound_ac, sound_key(han), index.sound, (MatchType.HOMOPHONE, 0.85, "{text} sounds like {name}")),
            (index.shape_ac, index.shape_fold(han), index.shape, (MatchType.SHAPE, 0.85, "{text} looks like {name}")),
        ):
            if ac is None:
                continue
            for hend, key in ac.iter(folded):
                entries = table.get(key)
                if entries is None:
                    continue  # a name as written, in the automaton shapes share with names
                hs, he = hend - len(key) + 1, hend + 1
                text = han[hs:he]
                if text in index.han:
                    continue  # a name as written (the exact matcher's), never a sound-alike of another
                for e in entries:
                    if e.ordinary and len(e.key) <= 2:
                        continue  # a short everyday word's sound-alikes are everyday words too (大摆, 黑包)
                    same = sum(a == b for a, b in zip(text, e.key))
                    if same * 2 < len(e.key) or (len(e.key) == 2 and same == 0):
                        continue
                    if index.boundaries.everyday_word(text):
                        continue  # an everyday word that happens to sound or look alike (七夕 is not 七喜)
                    if kind[0] == MatchType.HOMOPHONE:
                        explain = (MatchType.HOMOPHONE, 0.85, "same sound (pinyin " + " ".join(pinyin_of(e.key) or []) + ")")
                    else:
                        diff = [f"{a} looks like {b}" for a, b in zip(text, e.key) if a != b]
                        explain = (MatchType.SHAPE, 0.85, ", ".join(diff))
                    for c in HanNameMatcher._candidates(doc, index, han, pos, split, hs, he, [e], explain):
                        # two characters that merely sound or look alike, or a longer everyday
                        # word's sound-alike (特斯辣 for 特斯拉): ask the context
                        c.weak = len(e.key) <= 2 or e.ordinary
                        out.append(c)
        return out


# Initials that speakers and transliterations swap (阿玛里 a ma li / 阿玛尼 a ma ni).
SIMILAR_INITIALS = frozenset(frozenset(p) for p in (
    ("b", "p"), ("d", "t"), ("g", "k"), ("j", "q"), ("q", "x"), ("j", "x"), ("z", "zh"), ("c", "ch"),
    ("s", "sh"), ("n", "l"), ("f", "h"), ("r", "l"), ("ch", "q"), ("zh", "j"), ("sh", "x"),
))


class HanNearSoundMatcher(BrandMatcher):
    """Near-homophones: one character swapped for one with the same final but another
    initial (阿玛里 a ma li for 阿玛尼 a ma ni). A loose reading, so it is reported only when the
    context agrees (the listing's category, another name of the brand)."""

    name = "han_near_sound"
    needs_han = True

    def find(self, doc: FieldDoc, index: BrandIndex) -> list[Candidate]:
        if not doc.has_han or not index.han_masked:
            return []
        han, pos, split = doc.han
        masked_here, masked_later = self.openings(han, index)
        if not any(masked_here) and not any(masked_later):
            return []
        out: list[Candidate] = []
        masked = index.han_masked
        for p in compress(range(len(masked_here)), map(operator.or_, masked_here, masked_later)):
            for length in (2, 3, 4):
                window = han[p:p + length]
                if len(window) != length or "\0" in window or window in index.han:
                    continue
                for k in range(1, length):
                    if not (masked_here[p] if k == 1 else masked_later[p]):
                        continue
                    part = syllable_parts(han[p + k])
                    if part is None:
                        continue
                    found = masked.get(window[:k] + "?" + part[1] + window[k + 1:])
                    if not found:
                        continue
                    for kk, initial, e in found:
                        if kk != k or window[k] == e.key[k] or frozenset((part[0], initial)) not in SIMILAR_INITIALS:
                            continue
                        if index.boundaries.is_word(window, 1):
                            continue
                        why = (MatchType.HOMOPHONE, 0.8, f"close in sound ({part[0]}{part[1]} for {initial}{part[1]})")
                        for c in HanNameMatcher._candidates(doc, index, han, pos, split, p, p + length, [e], why):
                            c.weak = True
                            out.append(c)
        return out

    @staticmethod
    def openings(han: str, index: BrandIndex) -> tuple[list[bool], list[bool]]:
        """Per position of `han` but the last: can a masked name start there with its second
        character masked (the character and the next one's final begin one), or with a later
        one masked (the character and the next one begin one)? Two passes in C over the
        pairs of neighbouring characters; only where one says yes is a window looked up."""
        nxt = han[1:]
        here = list(map(index.han_masked_second.__contains__, map(operator.add, han, nxt.translate(index.final_table))))
        later = list(map(index.han_masked_pairs.__contains__, map(operator.add, han, nxt)))
        return here, later


class MixedNameMatcher(BrandMatcher):
    """Names that mix Chinese and Latin or digits (哆啦A梦, KT猫): literal match after folding."""

    name = "mixed"
    needs_han = True

    def find(self, doc: FieldDoc, index: BrandIndex) -> list[Candidate]:
        if index.mixed_ac is None or not doc.has_han:
            return []
        text = doc.text
        out = []
        for end, key in index.mixed_ac.iter(text):
            start = end - len(key) + 1
            if key[0].isalnum() and not is_han(key[0]) and start > 0 and text[start - 1].isalnum() and not is_han(text[start - 1]):
                continue
            if key[-1].isalnum() and not is_han(key[-1]) and end + 1 < len(text) and text[end + 1].isalnum() and not is_han(text[end + 1]):
                continue
            for e in index.mixed[key]:
                out.append(Candidate(start, end + 1, e, MatchType.EXACT, 0.96, []))
        return out


def index_cache(index: BrandIndex, name: str, limit: int = 200_000) -> dict:
    """Per-index token cache: the same word in many listings is looked up once.

    Lives on the index, so a rebuilt index starts with a fresh cache. Threads may race on
    an entry; both compute the same value, so the race is harmless.
    """
    cache = index.token_cache.setdefault(name, {})
    if len(cache) > limit:
        cache.clear()
    return cache


ALL_MATCHERS: tuple[BrandMatcher, ...] = (
    LatinNameMatcher(),
    LeetMatcher(),
    RepeatedLetterMatcher(),
    FuzzyMatcher(),
    PhoneticMatcher(),
    NamePartMatcher(),
    HanNameMatcher(),
    HanSoundShapeMatcher(),
    HanNearSoundMatcher(),
    MixedNameMatcher(),
)
