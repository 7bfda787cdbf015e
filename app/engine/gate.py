"""Which brand matchers can find anything in a sentence, told by cheap tests on the whole
sentence before any of them runs.

Most sentences of a listing name no brand and make no claim. The tests here are implied by
what each matcher accepts, so a matcher skipped by them would have found nothing: the
result is the same as running everything, only sooner. Per-word answers are remembered
(the same words recur in every listing).
"""
from __future__ import annotations

from app.engine.brand_index import BrandIndex
from app.engine.brand_matchers import (
    NO_READING,
    BrandMatcher,
    LatinNameMatcher,
    TokenMatcher,
)
from app.engine.document import HAN_RE, TOKEN_RE

_NAME = 1   # a name can be read from this word alone (LatinNameMatcher)
_STARTS = 4  # some name over several words starts with this word (LatinNameMatcher)
_FIRST_WORD_BIT = 8  # and one bit per word-level matcher (typo, sound-alike, leetspeak...)
# that finds something in this word, from this one up (Gate.word_bits)


class Gate:
    def __init__(self, matchers: tuple[BrandMatcher, ...], index: BrandIndex, *,
                 word_cache_size: int = 500_000) -> None:
        self.matchers = matchers
        self.index = index
        self._token = [m for m in matchers if isinstance(m, TokenMatcher)]
        self.word_bits = {m: _FIRST_WORD_BIT << k for k, m in enumerate(self._token)}
        self._any_word = sum(self.word_bits.values())
        self._names = [m for m in matchers if isinstance(m, LatinNameMatcher)]
        # matchers the gate knows nothing about run on every sentence
        self._always = [m for m in matchers if not (isinstance(m, (TokenMatcher, LatinNameMatcher)) or m.needs_han)]
        self._han = [m for m in matchers if m.needs_han and not isinstance(m, (TokenMatcher, LatinNameMatcher))]
        # per matcher, in order: what makes `plan` run it
        self._rules = [(m, m in self._names, self.word_bits.get(m, 0), m in self._always, m in self._han)
                       for m in matchers]
        self._words: dict[str, int] = {}
        self._word_cache_size = word_cache_size

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_words": {}}  # a snapshot starts with empty caches

    def plan(self, text: str, toks: list[str] | None = None) -> list[BrandMatcher]:
        """For folded sentence text (and its TOKEN_RE words, when the caller has them): the
        matchers to run, in their order."""
        han = HAN_RE.search(text) is not None
        if toks is None:
            toks = TOKEN_RE.findall(text)
        flags = 0
        words = self._words
        starts = []  # words some name over several words starts with
        for t in set(toks):
            f = words.get(t)
            if f is None:
                f = self.index.seeded("gate", t, 0)
                if f is None:
                    f = self._classify(t)
                if len(words) >= self._word_cache_size:
                    words.clear()
                words[t] = f
            flags |= f
            if f & _STARTS:
                starts.append(t)
        names = bool(flags & _NAME) or (bool(starts) and LatinNameMatcher.may_join(toks, set(starts), self.index))
        if not names and not flags & self._any_word and not self._always and not han:
            return []
        # Chinese text: the Chinese matchers always run; the Latin ones as for any text; a
        # word-level matcher where it finds something in some word
        return [m for m, name_reader, bit, always, needs_han in self._rules
                if (names and name_reader) or flags & bit or always or (han and needs_han)]

    def _classify(self, t: str) -> int:
        index = self.index
        f = 0
        if self._names:
            prefixes, whole, starts = LatinNameMatcher.reading(t, index)
            f = (_NAME if prefixes or whole else 0) | (_STARTS if starts else 0)
        for m in self._token:
            if m.cached(t, index):
                f |= self.word_bits[m]
        return f

    def clear(self) -> None:
        self._words.clear()

    def seed_vocabulary(self, vocabulary: frozenset[str]) -> None:
        """Work out what each word of `vocabulary` tells the gate and the word-by-word
        readers, and keep the answers on the index (see BrandIndex.seeded). Only answers
        that are not the usual empty one are kept; for the token matchers only which words
        have one (their answers hold list entries, and are worked out again when asked)."""
        index = self.index
        index.seeds, index.vocabulary = {}, frozenset()  # asked afresh below
        self.clear()
        index.token_cache.clear()
        flags: dict[str, int] = {}
        for w in vocabulary:  # the caches, emptied above, fill with these words alone
            f = self._classify(w)
            if f:
                flags[w] = f
        seeds: dict[str, dict] = {"gate": flags}
        if self._names:
            seeds["latin_words"] = {w: r for w, r in index.token_cache.get("latin_words", {}).items()
                                    if r != NO_READING}
        for m in self._token:
            seeds[m.name] = {w: None for w, found in index.token_cache.get(m.name, {}).items() if found}
        self.clear()
        index.token_cache.clear()
        index.seeds, index.vocabulary = seeds, vocabulary
