"""A queryset that matches any of several conditions ("parts"), each served by an index of its own.

A search for "1007" is "work order 0001007, or employee 0001007, or line 1007, or …": one ``WHERE``
with the conditions or-ed together, which a database answers by reading every line of every part
and sorting them (or by walking the whole history in the queue's order, testing each line). With
a work order's years of history that is thousands of lines for a page of 50, and as many per count.

``with_parts(queryset, parts)`` keeps the or-ed queryset (its meaning does not change) and tells it
the parts, so that:

- a page in an order every part's index serves (``orders``, given by the caller) is the merge of
  each part's first rows in that order — ``stop`` rows from each index, never the parts' whole history;
- a capped count (``kernel.counting.capped``) is the union of each part's ids, so each part is
  counted on its own index (with a state: the (key, state, …) indexes), up to the cap.

Both give exactly the rows of the or-ed queryset: the first ``stop`` rows of a union in an order
are among the first ``stop`` rows of its parts in that order.
"""
from __future__ import annotations

from django.db.models import Q, QuerySet
from django.db.models.query import ModelIterable

from kernel.idlist import InIds

_classes: dict[type, type] = {}


def with_parts(queryset: QuerySet, parts: list[Q], orders: dict[tuple[str, ...], bool]) -> QuerySet:
    """The same rows, read part by part where that is cheaper (see the module's docstring).
    ``orders``: the orders every part's index serves, each with whether it is descending (all
    its fields one way: ``("-collected_at", "-id"): True``)."""
    base = type(queryset)
    if base not in _classes:
        _classes[base] = type(f"Parts{base.__name__}", (PartsMixin, base), {})
    merged = queryset._chain()
    merged.__class__ = _classes[base]
    merged._parts, merged._orders = tuple(parts), dict(orders)
    return merged


class PartsMixin:
    _parts: tuple = ()
    _orders: dict = {}

    def _clone(self):
        clone = super()._clone()
        clone._parts, clone._orders = self._parts, self._orders
        return clone

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
            found.update(self.filter(part).order_by(*order).values_list(*fields)[:stop])
        ranked = sorted(found, reverse=self._orders[order])[start:stop]
        ids = [row[-1] for row in ranked]
        if not ids:
            return []
        rows = {row.pk: row for row in super().filter(InIds(ids)).order_by()}
        return [rows[pk] for pk in ids if pk in rows]

    def _ids(self):
        ids = [self.filter(part).order_by().values_list("pk", flat=True) for part in self._parts]
        return ids[0].union(*ids[1:]) if ids else None

    def capped_count(self, cap: int) -> int:
        """How many rows, counting no further than ``cap + 1``: the union of the parts' ids."""
        ids = self._ids()
        return 0 if ids is None else ids[:cap + 1].count()

    def first_ids(self, n: int) -> list[int]:
        """The ids of at most ``n`` of the rows (in no order), read part by part."""
        ids = self._ids()
        return [] if ids is None else list(ids[:n])
