"""A queryset that matches any of several conditions ("parts"), each served by an index of its own.

A search for "1007" is "work order 0001007, or employee 0001007, or line 1007, or …": one ``WHERE``
with the conditions or-ed together, which a database answers by reading every line of every part
and sorting them (or by walking the whole history in the queue's order, testing each line). With
a work order's years of history that is thousands of lines for a page of 50, and as many per count.

``with_parts(queryset, condition, parts, orders)`` is ``queryset.filter(condition)`` (its meaning
does not change) told the parts, so that:

- a page in an order every part's index serves (``orders``, given by the caller) is the merge of
  each part's first rows in that order — ``stop`` rows from each index, never the parts' whole history;
- a capped count (``kernel.counting.capped``) is the union of each part's ids, so each part is
  counted on its own index (with a state: the (key, state, …) indexes), up to the cap.

A part's query is the queryset with the or-ed condition taken out and the part put in: a part
implies the condition, so it selects the same rows, and it names only its own key — its index
answers it without reading the table (the or-ed condition names every part's column, so each
row would be read to test the others). Later filters (a state, a date) stay in every part. Where
the condition cannot be found again in the queryset's ``WHERE`` (a later union or or-ing of querysets
rebuilt it), the part is added beside the whole condition, as correct and slower.

Both give exactly the rows of the or-ed queryset: the first ``stop`` rows of a union in an order
are among the first ``stop`` rows of its parts in that order.
"""
from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.sql.where import AND, WhereNode
from django.db.models.query import ModelIterable

from kernel.idlist import InIds

_classes: dict[type, type] = {}


def with_parts(queryset: QuerySet, condition: Q, parts: list[Q], orders: dict[tuple[str, ...], bool]) -> QuerySet:
    """``queryset.filter(condition)``, read part by part where that is cheaper (see the module's
    docstring). ``condition`` is the parts or-ed (each part implies it). ``orders``: the orders
    every part's index serves, each with whether it is descending (all its fields one way:
    ``("-collected_at", "-id"): True``)."""
    base = type(queryset)
    if base not in _classes:
        _classes[base] = type(f"Parts{base.__name__}", (PartsMixin, base), {})
    where = queryset.query.where
    start = len(where.children) if where.connector == AND and not where.negated else None
    merged = queryset.filter(condition)
    merged.__class__ = _classes[base]
    merged._parts, merged._orders = tuple(parts), dict(orders)
    if start is not None:
        added = merged.query.where.children[start:]
        merged._slot = (start, len(added), _leaves(added))
    return merged


def _leaves(nodes) -> tuple:
    """The lookups of ``nodes``: the same objects in every clone of a query (a clone copies the
    ``WHERE`` tree's nodes, not its lookups) — how the condition is found again."""
    found = []
    for node in nodes:
        found.extend(_leaves(node.children) if isinstance(node, WhereNode) else [node])
    return tuple(found)


class PartsMixin:
    _parts: tuple = ()
    _orders: dict = {}
    _slot: tuple | None = None  # where the condition sits in the WHERE: (first child, children, lookups)

    def _clone(self):
        clone = super()._clone()
        clone._parts, clone._orders, clone._slot = self._parts, self._orders, self._slot
        return clone

    def _part(self, part: Q) -> QuerySet:
        """The rows of one part: this queryset with ``part`` in place of the or-ed condition."""
        chained = self._chain()
        where = chained.query.where
        if self._slot is not None and where.connector == AND and not where.negated:
            start, count, leaves = self._slot
            found = _leaves(where.children[start:start + count])
            if len(found) == len(leaves) and all(a is b for a, b in zip(found, leaves)):
                del where.children[start:start + count]
        return chained.filter(part)

    def _merge_order(self) -> tuple | None:
        query = self.query
        order = tuple(query.order_by) or (tuple(self.model._meta.ordering) if query.default_ordering else ())
        order = tuple(str(field) for field in order)
        return order if order in self._orders else None

    def __getitem__(self, key):
        """A slice in a merged order: the page's rows, as a list; anything else as Django reads it."""
        order = self._merge_order() if isinstance(key, slice) else None
        if (order is None or not self._parts or self._result_cache is not None or key.step
                or key.stop is None or key.stop < 0 or (key.start or 0) < 0
                or self._iterable_class is not ModelIterable or self.query.is_sliced):
            return super().__getitem__(key)
        start, stop = key.start or 0, key.stop
        fields = [name.lstrip("-") for name in order]
        found = set()
        for part in self._parts:
            found.update(self._part(part).order_by(*order).values_list(*fields)[:stop])
        ranked = sorted(found, reverse=self._orders[order])[start:stop]
        ids = [row[-1] for row in ranked]
        if not ids:
            return []
        rows = {row.pk: row for row in super().filter(InIds(ids)).order_by()}
        return [rows[pk] for pk in ids if pk in rows]

    def _ids(self):
        ids = [self._part(part).order_by().values_list("pk", flat=True) for part in self._parts]
        return ids[0].union(*ids[1:]) if ids else None

    def capped_count(self, cap: int) -> int:
        """How many rows, counting no further than ``cap + 1``: the union of the parts' ids."""
        ids = self._ids()
        return 0 if ids is None else ids[:cap + 1].count()

    def first_ids(self, n: int) -> list[int]:
        """The ids of at most ``n`` of the rows (in no order), read part by part."""
        ids = self._ids()
        return [] if ids is None else list(ids[:n])

    def capped_sums(self, cap: int, fields) -> tuple[int, dict | None]:
        """How many rows (no further than ``cap + 1``) and, within the cap, the sums of ``fields``.

        Each part is added up on its own index (an index that holds ``fields`` answers it alone);
        when the parts' counts add up to the union's, no line is in two parts and their sums are
        the answer. Otherwise the lines are read by id and added up once each."""
        n = self.capped_count(cap)
        if n > cap:
            return n, None
        sums = {name: Sum(name) for name in fields}
        each = [self._part(part).order_by().values("pk", *fields)[:cap + 1].aggregate(n=Count("pk"), **sums)
                for part in self._parts]
        if sum(got["n"] for got in each) == n:
            return n, {name: _total(got[name] for got in each) for name in fields}
        return n, self.model._default_manager.filter(InIds(self.first_ids(cap))).aggregate(**sums)


def _total(values):
    """The sum of sums, None when every part summed nothing (as one SUM over no value is)."""
    present = [value for value in values if value is not None]
    return sum(present[1:], present[0]) if present else None
