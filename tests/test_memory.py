"""Settled objects are kept out of full collections; a swapped-out engine is still freed."""
from __future__ import annotations

import gc
import weakref

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
