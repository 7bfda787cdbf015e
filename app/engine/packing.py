"""The brand index's tables in a form that pickles into few objects and reads back in C.

A pickle reader keeps every object it has read in a table, 8 bytes each in an array grown by
doubling, until the whole snapshot is read; and each object costs a step of the reader, a
frozen dataclass a Python call to restore. At 100,000 brands the index is 415,000 marks,
1.3 million tuples (most of one item) and 260,000 triples of the near-homophone table:
pickled as they are, 5.9 million objects read one by one (the reader's table alone 67 MB,
3 s of loading).

Packed, the marks are eight columns (lists of their fields), made again by one C call
each (they are named tuples). Tables of tuples are their keys
and the numbers of their tuples, each distinct tuple stored once by its items (mark numbers
where the items are marks); the tuples are made again by `zip` (those of one item) and
slices of one tuple (the others).
"""
from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from itertools import accumulate, chain, repeat
from typing import Any


def unpack_numbers(data: bytes) -> array:
    out = array("I")
    out.frombytes(data)
    return out


class Columns:
    """Named tuples of one class as one list per field; `restore()` makes them again (the
    same field values, new objects, as pickle itself would), each by one C call."""

    __slots__ = ("cls", "values")

    def __init__(self, cls: type, objects: Sequence[Any]) -> None:
        self.cls = cls
        self.values = [list(map(getattr, objects, repeat(name))) for name in cls._fields]  # type: ignore[attr-defined]

    def __getstate__(self) -> tuple:
        return self.cls, self.values

    def __setstate__(self, state: tuple) -> None:
        self.cls, self.values = state

    def restore(self) -> list[Any]:
        return list(map(tuple.__new__, repeat(self.cls), zip(*self.values)))


class Tables:
    """Dicts of tuples, many of them the very same tuple in several tables: each distinct
    tuple is stored once (those of one item first, as their items; then the others, as
    their items in one run and their sizes), and each table as its keys and the numbers of
    its tuples. With `number`, items are stored as the numbers it gives them (marks, written
    once in `Columns`) and `unpacked(objects)` reads them back from the list of those
    objects."""

    __slots__ = ("items", "singles", "sizes", "tables")

    def __init__(self, tables: dict[str, dict[Any, tuple]], number: Callable[[Any], int] | None = None) -> None:
        distinct: dict[int, tuple] = {}
        for table in tables.values():
            for v in table.values():
                distinct.setdefault(id(v), v)
        ones = [v for v in distinct.values() if len(v) == 1]
        more = [v for v in distinct.values() if len(v) != 1]
        position = {id(v): n for n, v in enumerate(chain(ones, more))}
        self.tables = {name: (list(table), array("I", (position[id(v)] for v in table.values())).tobytes())
                       for name, table in tables.items()}
        singles = [v[0] for v in ones]
        items = list(chain.from_iterable(more))
        if number is None:
            self.singles: Any = singles
            self.items: Any = tuple(items)
        else:
            self.singles = array("I", map(number, singles)).tobytes()
            self.items = array("I", map(number, items)).tobytes()
        self.sizes = array("I", map(len, more)).tobytes()

    def __getstate__(self) -> tuple:
        return self.tables, self.singles, self.items, self.sizes

    def __setstate__(self, state: tuple) -> None:
        self.tables, self.singles, self.items, self.sizes = state

    def unpacked(self, objects: Sequence[Any] | None = None) -> dict[str, dict[Any, tuple]]:
        singles, items = self.singles, self.items
        if objects is not None:
            singles = map(objects.__getitem__, unpack_numbers(singles))
            items = tuple(map(objects.__getitem__, unpack_numbers(items)))
        tuples = list(zip(singles))
        ends = list(accumulate(unpack_numbers(self.sizes)))
        tuples.extend(map(items.__getitem__, map(slice, [0, *ends[:-1]], ends)))
        return {name: dict(zip(keys, map(tuples.__getitem__, unpack_numbers(numbers))))
                for name, (keys, numbers) in self.tables.items()}


class Numbering:
    """Numbers for objects by identity, in the order first asked for."""

    __slots__ = ("_ids", "objects")

    def __init__(self) -> None:
        self.objects: list[Any] = []
        self._ids: dict[int, int] = {}

    def __call__(self, obj: Any) -> int:
        n = self._ids.get(id(obj))
        if n is None:
            n = self._ids[id(obj)] = len(self.objects)
            self.objects.append(obj)
        return n
