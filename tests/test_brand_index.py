"""The index answers "which brands does this name name" from its name tables, keeping only
the keys where they tell otherwise; the answer must be the one a full lookup of every name
of every brand gives. And its tables, packed for a snapshot, must read back the same."""
from __future__ import annotations

import pickle
from collections import defaultdict

from app.engine.brand_index import _lookup_key


def test_brand_names_resolve_as_a_full_lookup_would(engine):
    index = engine.index
    full: dict[str, set[str]] = defaultdict(set)
    for b in engine.lists.brands:
        for name in b.all_names():
            full[_lookup_key(name)].add(b.id)
    assert index.mark_count == len(full)
    for key in set(full) | set(index.latin) | set(index.han) | set(index.mixed):
        found = index.name_exceptions.get(key)
        assert (set(found) if found is not None else index._named_in_tables(key)) == full.get(key, set()), key
    # through the public call, by names as sellers write them
    assert index.resolve_brand_names(["Nike", "耐克"]) == {"nike"}
    assert index.resolve_brand_names(["no such brand at all"]) == set()
    assert "star-wars" in index.resolve_brand_names(["R2-D2"])  # a model-code name kept out of the tables


def test_packed_tables_read_back_equal_and_shared(engine):
    index = engine.index
    back = pickle.loads(pickle.dumps(index))
    for name in ("latin", "han", "mixed", "sound", "shape", "han_masked", "fuzzy_last", "fuzzy_penult", "fuzzy_ends",
                 "phonetic", "collapsed", "name_exceptions"):
        assert getattr(back, name) == getattr(index, name), name
    # one tuple object for a name's marks under its Chinese and sound keys, as when built
    key = next(k for k in index.han if len(k) >= 2 and index.han[k] is index.sound.get(_sound(k)))
    assert back.han[key] is back.sound[_sound(key)]


def _sound(text: str) -> str:
    from app.engine.chinese import sound_key

    return sound_key(text)
