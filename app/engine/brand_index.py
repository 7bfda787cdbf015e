"""The compiled brand index: every surface name of every brand, folded into lookup keys,
with Aho-Corasick automata, a deletion index for typos and phonetic keys for sound-alikes.

Built once from the lists; read-only afterwards, so many threads can share it.
"""
from __future__ import annotations

import re
from array import array
from collections import defaultdict
from collections.abc import Collection
from itertools import pairwise
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import ahocorasick
import jellyfish
from rapidfuzz import process
from rapidfuzz.distance import OSA

from app.engine.automaton import automaton
from app.engine.chinese import (
    WordBoundaries,
    describing_words,
    final_codes,
    frequent_words,
    load_shape_table,
    pinyin_of,
    sound_key,
    syllable_parts,
    unknown_words,
)
from app.engine.document import ALL_HAN_RE, HAN_RE, TOKEN_RE
from app.engine.models import Brand
from app.engine.normalize import fold_name
from app.engine.packing import Columns, Numbering, Tables, unpack_numbers

_K = TypeVar("_K")
_V = TypeVar("_V")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


class Role:
    NAME = "name"
    ALIAS = "alias"
    ZH = "zh_name"
    SUBMARK = "submark"
    PINYIN = "pinyin"


class MarkEntry(NamedTuple):
    """One surface name of a brand, as the matcher looks it up. A named tuple (immutable,
    fields read in C): a snapshot makes 415,000 of them at 100,000 brands, each by one C
    call (packing.Columns), where a frozen dataclass needs a setter call per field."""

    brand: Brand
    surface: str              # the name as the list writes it
    mark: str                 # what the hit reports as `mark`
    role: str
    ordinary: bool            # also an ordinary word: the matcher asks for evidence
    key: str                  # compact folded key (Latin) or Han key
    bounds: frozenset[int]    # word boundaries inside a Latin key
    words: int                # number of words in the Latin name


NO_BOUNDS: frozenset[int] = frozenset()  # shared: one-word and Chinese names (400,000 entries at 100k brands)
_BOUNDS: dict[frozenset[int], frozenset[int]] = {NO_BOUNDS: NO_BOUNDS}


def latin_key(name: str) -> tuple[str, frozenset[int], int]:
    """Compact key of a Latin name and the positions of its word boundaries (the sets are
    shared: a few hundred distinct ones stand for hundreds of thousands of names)."""
    bounds: set[int] = set()
    parts: list[str] = []
    pos = 0
    for piece in _CAMEL.split(name):
        toks = TOKEN_RE.findall(fold_name(piece))
        for t in toks:
            if pos:
                bounds.add(pos)
            parts.append(t)
            pos += len(t)
    fs = frozenset(bounds)
    return "".join(parts), _BOUNDS.setdefault(fs, fs), max(1, len(TOKEN_RE.findall(fold_name(name))))


def _coded_name(name: str) -> bool:
    """A name written as code, each part joined by a hyphen holding a letter (R2-D2, C-3PO):
    a character's name, unlike a model code's letters and number (S24, F-150, MT-07)."""
    parts = name.split("-")
    return len(parts) > 1 and all(any(c.isalpha() for c in p) for p in parts)


def _distinct_shape(name: str) -> bool:
    """Written in camel case (AllSaints, JCrew) or in capitals of five letters or more
    (HEYDUDE): a shape that no everyday word of a title takes."""
    if name.isupper():
        return len(name) >= 5
    return any(c.islower() for c in name) and any(c.isupper() for c in name[1:])


def collapse_repeats(word: str) -> str:
    """Runs of one letter made single: addidass -> adidas, reebok -> rebok."""
    out = []
    for c in word:
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def fuzzy_depth(n: int) -> int:
    """Edit distance allowed for a name of n letters: none for short names."""
    if n < 4:
        return 0
    if n <= 8:
        return 1
    return 2


class BrandIndex:
    def __init__(self, brands: tuple[Brand, ...], *, common_words: frozenset[str], shape_file: Path,
                 dictionary_words: frozenset[str] = frozenset(), rare_words: frozenset[str] = frozenset(),
                 product_words: Collection[str] = ()) -> None:
        self.brands = brands
        self.by_id = {b.id: b for b in brands}
        self.common_words = common_words
        self._dictionary = dictionary_words
        # words of the English dictionary of four letters or more: the halves of compounds
        # (bluestone, sunflower) that are words of their own, not misspelt names
        self.compound_parts = frozenset(w for w in dictionary_words if len(w) >= 4)
        # words never taken for a typo or sound-alike of a name: frequent or in the dictionary
        self.real_words = common_words | dictionary_words
        # rarer real words (citrine, sketchers): read as a typo only when the context agrees
        self.rare_words = rare_words - self.real_words
        # key -> entries: lists while the index is built, tuples once it is (see _settled)
        self.latin: dict[str, list[MarkEntry]] = defaultdict(list)
        self.han: dict[str, list[MarkEntry]] = defaultdict(list)
        self.mixed: dict[str, list[MarkEntry]] = defaultdict(list)
        self.sound: dict[str, list[MarkEntry]] = defaultdict(list)
        self.shape: dict[str, list[MarkEntry]] = defaultdict(list)
        # names open to typos, by first letter, length and last letter, and again by first
        # letter, length and last-but-one letter: a name one edit from a word shares its first
        # letter (by rule) and its last letter, unless the edit is at the end, where the
        # name's last-but-one letter is one of the word's last three (see typo_neighbours).
        # A word is compared (rapidfuzz, in C) with a few dozen names at 100,000 brands, not
        # with all 1,900 of its first letter and length
        self.fuzzy_last: dict[tuple[str, int, str], list[str]] = defaultdict(list)
        self.fuzzy_penult: dict[tuple[str, int, str], list[str]] = defaultdict(list)
        # names long enough for two edits, by first two letters, last letter and length: two
        # edits are taken only inside a name whose ends are intact (FuzzyMatcher)
        self.fuzzy_ends: dict[tuple[str, str, int], list[str]] = defaultdict(list)
        # sets while the index is built, sorted tuples once it is (see _settled below)
        self.phonetic: dict[str, Collection[str]] = defaultdict(set)
        self.collapsed: dict[str, Collection[str]] = defaultdict(set)  # name with doubled letters made single
        # lookup key of each name -> brand ids, while the index is built (see _name_exceptions)
        self.name_lookup: dict[str, set[str]] = defaultdict(set)
        self.shape_table = load_shape_table(shape_file)
        self.token_cache: dict[str, dict] = {}
        # what the word-by-word readers answered for the common vocabulary, worked out once
        # when the engine is built (Gate.seed_vocabulary) and kept in its snapshot: a new
        # process, or caches just emptied, start knowing the words most listings are made of
        self.seeds: dict[str, dict[str, Any]] = {}
        self.vocabulary: frozenset[str] = frozenset()  # the words the seeds answer for
        # one string object per distinct key while building: a name's key, its lookup key and
        # its key without doubled letters are mostly the same text (at 100,000 brands,
        # 650,000 copies fewer to keep and to read back from a snapshot)
        self._strings: dict[str, str] = {}
        zh_words: list[str] = []

        for b in brands:
            for role, names in (
                (Role.NAME, [b.name]),
                (Role.ALIAS, list(b.aliases)),
                (Role.ZH, list(b.zh_names)),
            ):
                for n in names:
                    self._add(b, n, n if role != Role.NAME else b.name, role, zh_words)
            for sm in b.submarks:
                for n in sm.names:
                    self._add(b, n, sm.name, Role.SUBMARK, zh_words)

        # Chinese names with one character masked, for near-homophones (阿玛里 for 阿玛尼): a
        # window of text is looked up once per position, whatever the size of the list
        # (the masked key carries the final of the masked syllable: only a character with the
        # same final can stand there, so most windows are ruled out by one dict lookup)
        self.han_masked: dict[str, list[tuple[int, str, MarkEntry]]] = defaultdict(list)
        # The first character is never masked, and the second is either as written (a later
        # one masked) or known by its final: only where a character and the next one (or the
        # next one's final) begin a masked name is a window looked up at all.
        self.final_table, final_ids = final_codes()
        second: set[str] = set()
        pairs: set[str] = set()
        for key, entries in self.han.items():
            if 2 <= len(key) <= 4:
                for e in entries:
                    if e.ordinary:
                        continue
                    for k in range(1, len(key)):  # the first character stays as written
                        syl = syllable_parts(key[k])
                        if syl:
                            self.han_masked[key[:k] + "?" + syl[1] + key[k + 1:]].append((k, syl[0], e))
                            if k == 1:
                                second.add(key[0] + final_ids[syl[1]])
                            else:
                                pairs.add(key[:2])
        self.han_masked_second = frozenset(second)   # first character + the final of the masked second
        self.han_masked_pairs = frozenset(pairs)     # first two characters, a later one masked
        self.one_word_surfaces = self._one_word_surfaces()
        self._propagate_ordinary()
        self.self_evident = self._names_inside_names()
        # Chinese everyday-word names that are no nouns (现代 modern, 舒适 comfortable): next to
        # a style word they describe a style (see Engine._grounds)
        describing = describing_words()
        self.han_describing = frozenset(k for k, entries in self.han.items()
                                        if k in describing and any(e.ordinary for e in entries))
        # Chinese product lines and characters that are everyday words (胡桃 walnut, 战地
        # battlefield, 星座 constellation): the trade alone does not make them the mark
        ordinary_marks = [k for k, entries in self.han.items()
                          if any(e.ordinary and e.role == Role.SUBMARK for e in entries)]
        self.han_everyday_marks = frequent_words(ordinary_marks)
        # and those made up for the brand, no word of jieba's (红米, 小棕瓶): before a product
        # of the brand's trade they name its product (see Engine._coined)
        self.han_coined_marks = unknown_words(ordinary_marks)
        self.boundaries = WordBoundaries(zh_words + sorted(w for w in product_words if len(w) >= 2 and ALL_HAN_RE.fullmatch(w)))
        # Pinyin of Chinese names written in Latin letters (laolishi for 劳力士), unless that
        # spelling is an English word or already a Latin key of some brand.
        for key, entries in list(self.han.items()):
            syl = pinyin_of(key)
            if not syl or len(syl) < 2:
                continue
            py = self._canon("".join(syl))
            if len(py) < 5 or py in self.common_words or py in self.latin:
                continue
            for e in entries:
                # an everyday word's pinyin (lianxiang for 联想) is ordinary like the word
                self.latin[py].append(MarkEntry(e.brand, key, e.mark, Role.PINYIN, e.ordinary, py, NO_BOUNDS, 1))

        for key, entries in self.latin.items():
            if key.isdigit() or any(e.role == Role.PINYIN for e in entries):
                continue
            if any(e.words > 1 for e in entries):
                continue  # (their words: see _index_parts)
            if all(e.role == Role.SUBMARK for e in entries) and len(key) < 7 and not any(
                    _camel_case(e.surface) for e in entries):
                # short model and character names: too many real words lie one letter away;
                # not those made up in camel case (iPhone, iPad, AirPods), which no word is near
                continue
            if len(key) <= 4 and all(e.surface.isupper() for e in entries):
                continue  # acronyms (FIFA, HOKA) are spelled out, not misspelled or sounded alike
            if len(key) >= 5 and key.isalpha():
                self.collapsed[self._canon(collapse_repeats(key))].add(key)
            if fuzzy_depth(len(key)):
                self.fuzzy_last[(key[0], len(key), key[-1])].append(key)
                self.fuzzy_penult[(key[0], len(key), key[-2])].append(key)
            if fuzzy_depth(len(key)) >= 2:
                self.fuzzy_ends[(key[:2], key[-1], len(key))].append(key)
            if len(key) >= 4 and key.isalpha():
                self.phonetic["m:" + jellyfish.metaphone(key)].add(key)
                self.phonetic["n:" + jellyfish.nysiis(key)].add(key)

        self._index_parts()
        # longest word a typo or sound-alike lookup may start from (longer ones are skipped)
        self.max_fuzzy_len = max((n for _, n, _ in self.fuzzy_last), default=0) + 2
        for keys in (*self.fuzzy_last.values(), *self.fuzzy_penult.values()):
            keys.sort()
        # Built, the sets become sorted tuples and the lists tuples, in plain dicts (a tuple
        # of one item is 48 bytes, a set 216, a list 88; and a plain dict gives no empty list
        # for a key it lacks). Equal tuples of the same objects are one tuple, whichever
        # tables hold it: a name's marks under its sound and shape keys, a key alone under
        # its sound-alike and doubled-letter keys (475,000 tuples fewer at 100,000 brands).
        shared: dict[tuple[int, ...], tuple] = {}
        self.phonetic = _settled(self.phonetic, shared, sort=True)
        self.collapsed = _settled(self.collapsed, shared, sort=True)
        self.latin = _settled(self.latin, shared)
        self.han = _settled(self.han, shared)
        self.mixed = _settled(self.mixed, shared)
        self.sound = _settled(self.sound, shared)
        self.shape = _settled(self.shape, shared)
        self.han_masked = _settled(self.han_masked, shared)
        self.fuzzy_last = _settled(self.fuzzy_last, shared)
        self.fuzzy_penult = _settled(self.fuzzy_penult, shared)
        self.fuzzy_ends = _settled(self.fuzzy_ends, shared)
        del self._strings
        # which brands a seller's brand name names is read from the tables above; only the
        # keys where they tell otherwise are kept (300,000 keys fewer at 100,000 brands)
        self.mark_count = len(self.name_lookup)
        self.name_exceptions = self._name_exceptions(self.name_lookup)
        del self.name_lookup
        # the Latin keys in a trie, asked whether some key goes on from a few words written
        # together; it holds no Python object (a snapshot stores it apart, see
        # Engine.snapshot_parts)
        self.latin_trie = self._trie(self.latin)
        # The Chinese keys' first characters are many thousands: Rust automata (automaton.py,
        # built again when a snapshot is read). Chinese names and their shape-folded forms
        # are mostly the same strings (87,000 of 94,000 at 100,000 brands): one automaton
        # serves both, each matcher taking the keys of its own table.
        self.han_ac = automaton([*self.han, *(k for k in self.shape if k not in self.han)])
        self.shape_ac = self.han_ac
        self.mixed_ac = automaton(self.mixed)
        self.sound_ac = automaton(self.sound)

    def _index_parts(self) -> None:
        """The words of names of several words (Calvin Klein, Canada Goose), for readings of
        one disguised word among words written as they are (Calvin Kl3in, Canada Gose):
        `parts` maps such a word to (key, position, the name's words); `part_typos` holds
        them by first letter and length, `part_sounds` by phonetic key. A word that is a
        name of the same brand alone is left to the one-word readers; a word of many names
        (united, league) is read in leetspeak only, and one of very many (pro, new, the at
        50,000 brands) only as written."""
        parts: dict[str, dict[tuple[str, int, tuple[str, ...]], None]] = defaultdict(dict)
        crowded: set[str] = set()  # words of more names than _PART_NAMES_MAX
        for key, entries in self.latin.items():
            for e in entries:
                if e.words < 2 or e.role == Role.PINYIN:
                    continue
                words = tuple(self._canon(w) for w in TOKEN_RE.findall(fold_name(e.surface)))
                if len(words) != e.words or "".join(words) != key:
                    continue
                for p, w in enumerate(words):
                    if len(w) < 3 or not w.isalpha() or w in crowded:
                        continue
                    if any(o.brand.id == e.brand.id and o.words == 1 for o in self.latin.get(w, ())):
                        continue
                    names = parts[w]
                    names[(key, p, words)] = None
                    if len(names) > _PART_NAMES_MAX:
                        crowded.add(w)
                        del parts[w]
        self.parts = {w: tuple(v) for w, v in parts.items()}
        typos: dict[tuple[str, int], list[str]] = defaultdict(list)
        sounds: dict[str, list[str]] = defaultdict(list)
        for w in sorted(self.parts):
            if len(self.parts[w]) > _PART_NAMES_LOOSE:
                continue  # read in leetspeak only (Premier 1eague): a loose reading of a word of
                # many names would be tried against all of them
            if len(w) >= 5:
                typos[(w[0], len(w))].append(w)
            if len(w) >= 4:
                sounds[jellyfish.metaphone(w)].append(w)
        self.part_typos = {k: tuple(v) for k, v in typos.items()}
        self.part_sounds = {k: tuple(v) for k, v in sounds.items()}

    def seeded(self, name: str, word: str, default: Any) -> Any:
        """The answer of reader `name` for a word of the common vocabulary, as worked out
        when the engine was built: None when the word is not one of them (or no answers
        were kept for that reader), else the kept answer or `default` (the usual, empty
        one). A kept answer of None means: ask the reader."""
        seed = self.seeds.get(name)
        if seed is None or word not in self.vocabulary:
            return None
        return seed.get(word, default)

    def __getstate__(self) -> dict:
        # a snapshot starts with empty caches, and the tables are packed (see packing.py)
        state = {**self.__dict__, "token_cache": {}}
        marks = Numbering()
        state["_mark_tables"] = Tables({name: state.pop(name) for name in _MARK_TABLES}, marks)
        triples = Numbering()  # (masked position, initial, mark) of the near-homophone table
        state["_masked_table"] = Tables({"han_masked": state.pop("han_masked")}, triples)
        state["_masked"] = ([t[0] for t in triples.objects], [t[1] for t in triples.objects],
                            array("I", (marks(t[2]) for t in triples.objects)).tobytes())
        state["_marks"] = Columns(MarkEntry, marks.objects)
        state["_string_tables"] = Tables({name: state.pop(name) for name in _STRING_TABLES})
        return state

    def __setstate__(self, state: dict) -> None:
        marks = state.pop("_marks").restore()
        positions, initials, numbers = state.pop("_masked")
        triples = list(zip(positions, initials, map(marks.__getitem__, unpack_numbers(numbers))))
        state.update(state.pop("_mark_tables").unpacked(marks))
        state.update(state.pop("_masked_table").unpacked(triples))
        state.update(state.pop("_string_tables").unpacked())
        self.__dict__.update(state)

    def typo_neighbours(self, t: str) -> list[tuple[str, int]]:
        """Names that may be typos of the word t, with their distances (optimal string
        alignment, compared by rapidfuzz in C): names sharing its first letter one edit
        away, of its own length up to six letters (a short name loses or gains no letter)
        and one letter longer or shorter from seven; and names of nine letters or more two
        edits away with the same first two and last letters (fuzzy_depth tells how far)."""
        found: dict[str, int] = {}
        size, first, last = len(t), t[0], t[-1]
        for n in range(max(4, size - 1), size + 2):
            if n <= 6 and n != size:
                continue
            # one edit away: the word's last letter stays last, or the edit is at the end:
            # the last letter changed or swapped with the one before (a name of the word's
            # length: its last-but-one letter is the word's last-but-one or last), a letter
            # added after it (one longer: the word's last), or the last one dropped (one
            # shorter: the word's third-last)
            ends = (t[-2], last) if n == size else (last,) if n > size else (t[-3],)
            for keys in (self.fuzzy_last.get((first, n, last)), *(self.fuzzy_penult.get((first, n, c)) for c in ends)):
                if keys:
                    for k, d, _ in process.extract(t, keys, scorer=OSA.distance, score_cutoff=1, limit=None):
                        found[k] = d
        out = list(found.items())
        for n in range(max(9, size - 2), size + 3):
            keys = self.fuzzy_ends.get((t[:2], t[-1], n))
            if keys:
                out.extend((k, d) for k, d, _ in process.extract(t, keys, scorer=OSA.distance, score_cutoff=2, limit=None)
                           if d == 2)
        return out

    def _canon(self, text: str) -> str:
        return self._strings.setdefault(text, text)

    def _add(self, b: Brand, name: str, mark: str, role: str, zh_words: list[str]) -> None:
        ordinary = name in b.ordinary
        self._canon(name)  # the name as written stands for its folded form when they are equal
        folded = self._canon(fold_name(name))
        self.name_lookup[self._canon(_lookup_key(name))].add(b.id)
        if folded and ALL_HAN_RE.fullmatch(folded):
            entry = MarkEntry(b, name, mark, role if role != Role.NAME else Role.ZH, ordinary, folded, NO_BOUNDS, 1)
            if entry not in self.han[folded]:
                self.han[folded].append(entry)
                zh_words.append(folded)
                if len(folded) >= 2:
                    self.sound[sound_key(folded)].append(entry)
                    self.shape[self._canon(self.shape_fold(folded))].append(entry)
        elif HAN_RE.search(folded):
            if len(folded) <= 3 and any(c.isdigit() for c in folded):
                ordinary = True  # 5号: a number and a counter word are ordinary text
            entry = MarkEntry(b, name, mark, role, ordinary, folded, NO_BOUNDS, 1)
            if entry not in self.mixed[folded]:
                self.mixed[folded].append(entry)
        else:
            key, bounds, words = latin_key(name)
            key = self._canon(key)
            if not key or key.isdigit():
                return
            if role != Role.NAME and len(key) <= 4 and any(c.isdigit() for c in key) and not _coded_name(name):
                return  # bare model codes (S24, V11, 501) are not marks on their own
            if role != Role.NAME and len(key) <= 3:
                ordinary = True  # short aliases (DC, UT, Fit) need evidence like ordinary words
            if role in (Role.ALIAS, Role.SUBMARK) and words == 1 and key in self._dictionary and key in self.common_words:
                ordinary = True  # a product line named with a frequent everyday word (Magic, Avengers)
            entry = MarkEntry(b, name, mark, role, ordinary, key, bounds, words)
            if entry not in self.latin[key]:
                self.latin[key].append(entry)

    def _one_word_surfaces(self) -> dict[str, frozenset[str]]:
        """For keys whose every ordinary name is one of several words while another is written
        as one (All Saints / AllSaints, Hey Dude / HEYDUDE): the one-word names as their
        owners write them, in a shape no everyday word takes (AllSaints, CoolerMaster,
        HEYDUDE; not Eland, Montblanc, which open a title as a word would). Read before
        _propagate_ordinary makes every name of such a key ordinary."""
        out: dict[str, frozenset[str]] = {}
        for key, entries in self.latin.items():
            if any(e.ordinary for e in entries) and all(e.words > 1 for e in entries if e.ordinary):
                surfaces = frozenset(e.surface for e in entries if not e.ordinary and e.words == 1
                                     and e.role in (Role.NAME, Role.ALIAS) and _distinct_shape(e.surface))
                if surfaces:
                    out[key] = surfaces
        return out

    def written_as_one_word(self, key: str, text: str) -> bool:
        """Is `text`, as written, a one-word name of `key` in its owner's shape (see
        _one_word_surfaces)? Written so, case and all, it is the brand's name."""
        return text in self.one_word_surfaces.get(key, ())

    def _propagate_ordinary(self) -> None:
        """A folded key is ambiguous text if any of a brand's names behind it is ordinary
        (Hermès folds to the ordinary alias Hermes): all its entries then ask for evidence."""
        for table in (self.latin, self.han, self.mixed):
            for key, entries in table.items():
                amb = {e.brand.id for e in entries if e.ordinary}
                if amb:
                    table[key] = [
                        MarkEntry(e.brand, e.surface, e.mark, e.role, True, e.key, e.bounds, e.words)
                        if e.brand.id in amb and not e.ordinary else e
                        for e in entries
                    ]

    def _names_inside_names(self) -> set[tuple[str, str]]:
        """(brand id, key) of names that contain another, unambiguous name of the same
        brand (Emporio Armani holds Armani): such a name carries its own evidence."""
        plain: dict[str, list[str]] = defaultdict(list)
        for table, minimum in ((self.latin, 4), (self.han, 2)):
            for key, entries in table.items():
                for e in entries:
                    if not e.ordinary and e.role != Role.PINYIN and len(key) >= minimum:
                        plain[e.brand.id].append(key)
        out = set()
        for table in (self.latin, self.han, self.mixed):
            for key, entries in table.items():
                for e in entries:
                    if e.ordinary and any(k != key and k in key for k in plain.get(e.brand.id, ())):
                        out.add((e.brand.id, key))
        return out

    def shape_fold(self, text: str) -> str:
        return text.translate(self.shape_table)

    @staticmethod
    def _trie(keys) -> ahocorasick.Automaton | None:
        if not keys:
            return None
        trie = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
        for k in keys:
            trie.add_word(k)
        return trie

    def resolve_brand_names(self, names: list[str]) -> set[str]:
        """Brand ids named by a seller (own or authorized brands), by any of their names."""
        ids: set[str] = set()
        for n in names:
            key = _lookup_key(n)
            found = self.name_exceptions.get(key)
            ids.update(found if found is not None else self._named_in_tables(key))
        return ids

    def _named_in_tables(self, key: str) -> set[str]:
        """Brands with a name whose key is `key`, as the name tables hold them (a name's
        lookup key is mostly its table key; pinyin readings are no names)."""
        ids = {e.brand.id for e in self.latin.get(key, ()) if e.role != Role.PINYIN}
        ids.update(e.brand.id for e in self.han.get(key, ()))
        ids.update(e.brand.id for e in self.mixed.get(key, ()))
        return ids

    def _name_exceptions(self, lookup: dict[str, set[str]]) -> dict[str, tuple[str, ...]]:
        """The keys where the tables do not tell which brands a name names: names kept out
        of the tables (bare model codes), keys the tables fold otherwise, and table keys
        that are no name's lookup key. With these, resolve_brand_names answers exactly as
        the whole lookup would."""
        out = {key: tuple(sorted(ids)) for key, ids in lookup.items() if self._named_in_tables(key) != ids}
        for table in (self.latin, self.han, self.mixed):
            for key in table:
                if key not in lookup and self._named_in_tables(key):
                    out[key] = ()
        return out


# tables of marks, and tables of strings (names, brand ids), packed in a snapshot
_PART_NAMES_LOOSE = 8  # a word of more names than this is not read as a typo or sound-alike
_PART_NAMES_MAX = 48  # a word of more names than this is read only as written (see _index_parts)
_MARK_TABLES = ("latin", "han", "mixed", "sound", "shape")
_STRING_TABLES = ("fuzzy_last", "fuzzy_penult", "fuzzy_ends", "phonetic", "collapsed", "name_exceptions")


def _camel_case(surface: str) -> bool:
    """A one-word name with a capital after its first letter, after a lower-case one
    (iPhone, AirPods, MacBook; not LEGO, not Air Max)."""
    return " " not in surface and surface.isalpha() and any(
        a.islower() and b.isupper() for a, b in pairwise(surface))

def _settled(table: dict[_K, Collection[_V]], shared: dict[tuple[int, ...], tuple], *,
             sort: bool = False) -> dict[_K, tuple[_V, ...]]:
    """The table with tuples for values (sorted, for sets), one tuple object for the same
    items (by identity) across the tables settled with the same `shared`."""
    out = {}
    for k, v in table.items():
        t = tuple(sorted(v)) if sort else tuple(v)
        out[k] = shared.setdefault(tuple(map(id, t)), t)
    return out


def _lookup_key(name: str) -> str:
    folded = fold_name(name)
    return "".join(TOKEN_RE.findall(folded)) or folded.strip()

