"""Settled objects are kept out of full collections; a swapped-out engine is still freed."""
from __future__ import annotations

import gc
import sys
import weakref

import pytest

from app.engine import memory
from app.engine.memory import settle


class _Node:
    pass


def test_settled_objects_are_not_collected_until_the_next_swap():
    try:
        node = _Node()
        node.me = node  # a reference cycle: only the collector frees it
        ref = weakref.ref(node)
        settle()
        assert gc.get_freeze_count() > 0
        del node
        gc.collect()
        assert ref() is not None  # frozen: full collections neither scan nor free it
        settle()  # the next engine swap
        assert ref() is None
    finally:
        gc.unfreeze()


def test_an_engine_dropped_for_a_new_one_is_freed():
    from app.lists import build_engine

    try:
        old = build_engine()
        old.screen_warmup()
        ref = weakref.ref(old)
        settle()  # in use
        del old  # swapped out
        settle()
        assert ref() is None
    finally:
        gc.unfreeze()


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS")) / 1024


@pytest.mark.skipif(not sys.platform.startswith("linux") or memory._malloc_trim() is None,
                    reason="glibc's malloc_trim only")
def test_settle_hands_freed_heap_back():
    try:
        # 60 MB in blocks too big for Python's own allocator, then one block above them
        # that pins the top of the heap: freeing the rest leaves it resident until trimmed
        blocks = [bytes(1500) for _ in range(40_000)]
        pin = bytes(1500)
        del blocks
        before = _rss_mb()
        settle()
        assert before - _rss_mb() > 30
        assert pin
    finally:
        gc.unfreeze()


def test_a_remembered_sentence_is_left_out_of_full_collections():
    """The sentence cache keeps tens of thousands of prepared sentences: their words,
    offsets, gaps and Han positions are containers the collector stops tracking (tuples of
    strings and numbers, bytes), so a full collection does not walk every word of them."""
    from app.engine.document import FieldDoc
    from app.engine.models import Field

    doc = FieldDoc.build(Field.DESCRIPTION, None, "Compatible with Nike Air Max 90, 耐克 运动鞋 男款")
    parts = [doc.words, doc.starts, doc.ends, doc.gaps, *doc.han[1:]]
    assert all(len(p) > 3 for p in parts)
    gc.collect()
    assert [gc.is_tracked(p) for p in parts] == [False] * len(parts)


def test_after_settle_young_collections_are_rare():
    """A screening allocates thousands of short-lived containers; once an engine is loaded
    the collector should not stop every 700 of them (CPython's default)."""
    before = gc.get_threshold()
    collections = []

    def count(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    try:
        gc.set_threshold(700, 10, 10)
        settle()
        gc.callbacks.append(count)
        kept = [[i] for i in range(memory.YOUNG_THRESHOLD // 2)]  # tracked objects, alive
        assert len(kept) == memory.YOUNG_THRESHOLD // 2
        assert collections == []  # with the default, 7 young collections would have run
    finally:
        if count in gc.callbacks:
            gc.callbacks.remove(count)
        gc.set_threshold(*before)
        gc.unfreeze()
