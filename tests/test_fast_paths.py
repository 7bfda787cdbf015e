"""The engine's shortcuts give what their plain definitions give.

Each fast path (the gate that skips matchers, the sentence split, the walk over words that
finds where names start, the typo candidate buckets, the near-homophone pair test, the
answers kept for the common vocabulary) is
checked here against
a direct statement of the same rule, on real listing text and on generated text. A shortcut
that dropped a single finding would fail one of these.
"""
from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from app.engine.brand_matchers import (
    NO_READING,
    SIMILAR_INITIALS,
    FuzzyMatcher,
    HanNearSoundMatcher,
    LatinNameMatcher,
    TokenMatcher,
    _fused,
)
from app.engine.chinese import syllable_parts
from app.engine.document import FieldDoc, Gap
from app.engine.models import Field
from app.engine.normalize import fold
from app.engine.screener import split_chunks

SHARED = Path(__file__).resolve().parents[2] / "shared"


def _real_texts(limit: int = 600) -> list[str]:
    """Titles and description sentences of the real listings beside the repo, and the dev set."""
    texts: list[str] = []
    sources = [
        (SHARED / "realdata" / "amazon-uk-toys-10k" / "listings.jsonl", ("title", "description")),
        (SHARED / "realdata" / "flipkart-20k" / "listings.jsonl", ("title", "description")),
        (SHARED / "realdata" / "taobao-ner-jie2019" / "titles.jsonl", ("title",)),
        (SHARED / "eval" / "dev.jsonl", ("title", "description")),
    ]
    for path, keys in sources:
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i >= limit:
                    break
                row = json.loads(line)
                for k in keys:
                    if row.get(k):
                        texts.extend(s for _, s in split_chunks(row[k]))
    if not texts:
        pytest.skip("../shared is not beside the repository")
    return texts


# ---- sentence split --------------------------------------------------------------------

_LOOK_BEHIND = re.compile(r"(?<=\w\w[.!?;])(?<!\bdr\.)(?<!\bmr\.)(?<!\bmrs\.)(?<!\bms\.)(?<!\bst\.)"
                          r"(?<!\bjr\.)(?<!\bno\.)(?<!\bvs\.)\s+|(?<=[。！？；])", re.IGNORECASE)


def _split_by_definition(text: str) -> list[tuple[int, str]]:
    if len(text) < 160:
        return [(0, text)]
    out, pos = [], 0
    for m in _LOOK_BEHIND.finditer(text):
        if m.start() > pos:
            out.append((pos, text[pos:m.start()]))
        pos = m.end()
    if pos < len(text):
        out.append((pos, text[pos:]))
    return out


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab1_é. !?;\n\t。！？；xDrNo", min_size=140, max_size=420))
def test_sentence_split_is_the_look_behind_rule(text):
    assert split_chunks(text) == _split_by_definition(text)


def test_sentence_split_on_real_descriptions():
    for text in _real_texts(300):
        assert split_chunks(text) == _split_by_definition(text)


# ---- the gate ----------------------------------------------------------------------------

def test_the_gate_skips_only_matchers_that_find_nothing(engine):
    texts = _real_texts()
    rng = random.Random(5)
    names = [b.name for b in engine.lists.brands]
    # brand names written plainly and in disguise inside real sentences
    for _ in range(300):
        name = rng.choice(names)
        disguised = rng.choice([name, " ".join(name), name.replace("o", "0").replace("i", "1"), name + "-style",
                                name[:1] + name[2:1:-1] + name[1:2] + name[3:] if len(name) > 4 else name])
        words = rng.choice(texts).split()
        words.insert(rng.randrange(len(words) + 1), disguised)
        texts.append(" ".join(words))
    for text in texts:
        folded = fold(text)
        run = engine.gate.plan(folded.text)
        doc = FieldDoc.build(Field.DESCRIPTION, None, text, folded)
        for m in engine.matchers:
            if m not in run:
                assert m.find(doc, engine.index) == [], (m.name, text)


# ---- where names start -------------------------------------------------------------------

def test_name_spans_are_every_key_written_over_whole_words(engine):
    """LatinNameMatcher.spans walks the words with a trie; the definition: every run of
    words i..j with no phrase break inside that joins up to a key, and every key that
    begins a word with an affix or a model fused on, ordered by where they end (the
    longer first)."""
    index = engine.index
    texts = _real_texts()
    rng = random.Random(8)
    names = [b.name for b in engine.lists.brands]
    for _ in range(400):
        name = rng.choice(names)
        written = rng.choice([name, " ".join(name), "-".join(name), name.replace(" ", ""), name + "style",
                              name + "7plus", name.upper().replace(" ", ". ")])
        words = rng.choice(texts).split()
        words.insert(rng.randrange(len(words) + 1), written)
        texts.append(" ".join(words))
    longest = max(map(len, index.latin))
    found = 0
    for text in texts:
        doc = FieldDoc.build(Field.DESCRIPTION, None, text)
        words, gaps = doc.words, doc.gaps
        expected = []
        for i, w in enumerate(words):
            offset = sum(map(len, words[:i]))
            expected += [(offset + k, -k, i, None, w[:k]) for k in range(4, len(w))
                         if w[:k] in index.latin and _fused(w, w[:k], index)]
            joined = ""
            for j in range(i, len(words)):
                if j > i and gaps[j - 1] == Gap.BREAK:
                    break
                joined += words[j]
                if len(joined) > longest:
                    break
                if joined in index.latin:
                    expected.append((offset + len(joined), -len(joined), i, j, joined))
        expected = [(i, j, key) for *_, i, j, key in sorted(expected, key=lambda e: e[:2])]
        assert LatinNameMatcher.spans(words, gaps, index) == expected, text
        found += len(expected)
    assert found > 400


# ---- typo candidates ---------------------------------------------------------------------

def test_typo_candidates_are_what_a_search_of_every_name_accepts(engine, monkeypatch):
    index = engine.index
    fuzzy = FuzzyMatcher()
    rng = random.Random(9)
    keys = [k for bucket in index.fuzzy_last.values() for k in bucket]
    words = []
    for key in rng.sample(keys, 400):
        i = rng.randrange(len(key))
        words += [key[:i] + key[i + 1:], key[:i] + "x" + key[i + 1:], key[:i] + "e" + key[i:],
                  key[:i] + key[i + 2:] + key[i:i + 2][::-1] if i + 2 <= len(key) else key,
                  key[:i] + "qz" + key[i + 2:]]
    words = [w for w in words if w and w.isalpha()]

    def every_name(t):
        return [(k, d) for (first, n, _last), bucket in index.fuzzy_last.items() if first == t[0] and abs(n - len(t)) <= 2
                for k in bucket if (d := OSA.distance(t, k)) <= 2]

    fast = {w: fuzzy._keys(w, index) for w in words}
    monkeypatch.setattr(index, "typo_neighbours", every_name)
    for w in words:
        assert fuzzy._keys(w, index) == fast[w], w


def test_names_one_edit_away_are_all_found_wherever_the_edit_is(engine):
    """typo_neighbours looks in the buckets of the word's last letter and of the last-but-one
    letters an edit at the end leaves; the definition: every name open to typos with the
    word's first letter, of a length the word may reach by one edit (its own up to six
    letters), one edit away by optimal string alignment."""
    index = engine.index
    rng = random.Random(4)
    keys = [k for bucket in index.fuzzy_last.values() for k in bucket]
    by_start: dict[str, list[str]] = {}
    for k in keys:
        by_start.setdefault(k[0], []).append(k)
    words = set()
    for key in rng.sample(keys, 500):
        for i in (1, len(key) // 2, len(key) - 2, len(key) - 1):  # inside the name and at its end
            words |= {key[:i] + "x" + key[i + 1:], key[:i] + key[i + 1:], key[:i] + "e" + key[i:],
                      key[:i] + key[i + 1:i + 2] + key[i:i + 1] + key[i + 2:]}
        words |= {key + "s", key[:-1], key}
    checked = 0
    for t in words:
        if len(t) < 4:
            continue
        expected = {k: d for k in by_start.get(t[0], ())
                    if (len(k) == len(t) or (abs(len(k) - len(t)) == 1 and len(k) > 6))
                    and (d := OSA.distance(t, k)) <= 1}
        got = {k: d for k, d in index.typo_neighbours(t) if d <= 1}
        assert got == expected, t
        checked += bool(expected)
    assert checked > 1000


# ---- near homophones ---------------------------------------------------------------------

def test_every_near_homophone_window_passes_the_pair_test(engine):
    """For each masked Chinese name, a window with its masked character swapped for one of the
    same final and a similar initial is let through by the pair test at its first character."""
    index = engine.index
    by_sound: dict[tuple[str, str], str] = {}
    for cp in range(0x4E00, 0x9FA6):
        parts = syllable_parts(chr(cp))
        if parts:
            by_sound.setdefault(parts, chr(cp))
    checked = 0
    for found in index.han_masked.values():
        for k, initial, entry in found:
            key = entry.key
            final = syllable_parts(key[k])[1]
            other = next((by_sound.get((i, final)) for pair in SIMILAR_INITIALS if initial in pair
                          for i in pair - {initial} if by_sound.get((i, final))), None)
            if other is None:
                continue
            window = key[:k] + other + key[k + 1:]
            here, later = HanNearSoundMatcher.openings(window, index)
            assert (here[0] if k == 1 else later[0]), (key, window)
            checked += 1
    assert checked > 500


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))


# ---- sensitive patterns and the texts they search ------------------------------------------

_PATTERNISH = st.text(alphabet="0123456789 +-.:()#%@/_比：加微信vxwqkilnumberoh.comwt\u2010\u2013é中", max_size=40)


@settings(max_examples=400, deadline=None)
@given(_PATTERNISH)
def test_a_pattern_runs_wherever_it_could_match(text):
    from app.engine.sensitive import _PATTERNS, _PREFILTERS

    for rule, pattern, *_ in _PATTERNS:
        if pattern.search(text):
            assert _PREFILTERS[rule](text), (rule, text)


def test_pattern_prefilters_on_real_text():
    from app.engine.sensitive import _PATTERNS, _PREFILTERS

    for text in _real_texts():
        folded = fold(text).text
        for rule, pattern, *_ in _PATTERNS:
            if pattern.search(folded):
                assert _PREFILTERS[rule](folded), (rule, text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abz09 -_/,.\u2010\u2011\u2013é中文", max_size=30))
def test_sensitive_search_texts_are_their_definitions(text):
    from app.engine.sensitive import _SEPARATORS, _separators_as_spaces, _words_only

    assert _separators_as_spaces(text) == text.translate(_SEPARATORS)
    words = " " + re.sub(r"[^a-z0-9]", " ", text) + " "
    assert _words_only(text) == (None if words.isspace() and not text.isascii() else words)


# ---- the Chinese characters of a sentence ---------------------------------------------------

def _han_by_definition(ft: str) -> tuple[str, list[int], list[bool]]:
    """Character by character: a Han character joins the one before it when nothing stands
    between them, or one or two punctuation or symbol characters (a split mark), or one
    space after a character that stands alone (a space or nothing before it); anything else
    ends the run ("\\0")."""
    import unicodedata

    from app.engine.normalize import is_han

    chars, pos, split, last = [], [], [], None
    for i, ch in enumerate(ft):
        if not is_han(ch):
            continue
        if last is not None and i > last + 1:
            between = ft[last + 1:i]
            alone = last == 0 or ft[last - 1].isspace()
            if (len(between) <= 2 and all(unicodedata.category(c)[0] in "PS" for c in between)) or (
                    between == " " and alone):
                chars.append(ch); pos.append(i); split.append(True)
                last = i
                continue
            chars.append("\0"); pos.append(-1); split.append(False)
        chars.append(ch); pos.append(i); split.append(False)
        last = i
    return "".join(chars), tuple(pos), tuple(split)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="耐克阿迪达斯 -★.,a1\u3001", max_size=30))
def test_han_runs_are_their_definition(text):
    doc = FieldDoc.build(Field.TITLE, None, text)
    assert doc.han == _han_by_definition(doc.text)


def test_han_runs_on_real_text():
    from app.engine.document import HAN_RE

    taobao = SHARED / "realdata" / "taobao-ner-jie2019" / "titles.jsonl"
    with taobao.open(encoding="utf-8") as f:
        texts = [json.loads(line)["title"] for _, line in zip(range(2000), f)]
    texts += [t for t in _real_texts() if HAN_RE.search(t)]
    assert texts
    for text in texts:
        doc = FieldDoc.build(Field.TITLE, None, text)
        assert doc.han == _han_by_definition(doc.text), text


# ---- the common vocabulary's kept answers -----------------------------------------------

def test_vocabulary_seeds_answer_as_the_readers_do(engine):
    """What the engine keeps for the common vocabulary (frequent words, numbers) must be
    what each reader answers for the word: the gate's flags, the Latin walk's reading, and
    for the token matchers 'nothing' only where their lookup finds nothing."""
    import pickle

    from app.engine import gate as gate_module

    index = engine.index
    assert len(index.vocabulary) > 50_000
    kept = sorted(index.seeds["gate"])
    assert kept, "some common words start a name (the, north...)"
    rng = random.Random(4)
    words = rng.sample(sorted(index.vocabulary), 1500) + rng.sample(kept, min(500, len(kept)))
    token = [m for m in engine.matchers if isinstance(m, TokenMatcher)]
    copy = pickle.loads(pickle.dumps(engine.index))  # as a snapshot reads it back
    for w in words:
        reading = LatinNameMatcher._word_reading(w, index)
        finds = {m.name: m.lookup(w, index) for m in token}
        flags = ((gate_module._NAME if reading[0] or reading[1] else 0) | (gate_module._STARTS if reading[2] else 0)
                 | sum(engine.gate.word_bits[m] for m in token if finds[m.name]))
        for ix in (index, copy):
            assert ix.seeded("gate", w, 0) == flags, w
            assert ix.seeded("latin_words", w, NO_READING) == reading, w
            for m in token:
                seeded = ix.seeded(m.name, w, ())
                assert seeded is None or (seeded == () and finds[m.name] == ()), (m.name, w)
    assert index.seeded("gate", "zqxvkarolinq", 0) is None  # no vocabulary word: asked afresh


# ---- capitals counted by bytes deletes ---------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(codec="ascii"), st.sampled_from(list("ÉéßΣσǅ耐"))), max_size=80))
def test_caps_share_counts_as_the_character_tests_do(text):
    """FieldDoc.caps_share counts ASCII text by two bytes deletes; the definition is
    str.isupper / str.islower of each character."""
    upper = sum(1 for c in text if c.isupper())
    lower = sum(1 for c in text if c.islower())
    assert FieldDoc.build(Field.TITLE, None, text).caps_share == upper / max(1, upper + lower)
