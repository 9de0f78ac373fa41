"""Keys for mirror rows whose MAS table has none: the lines of a work order's material list.

A real company's ``WO2_WorkOrderMaterialDetail`` has no column that identifies a line: the
lines of one order form a linked list whose numbering on a live system is unconfirmed. So the
pull gives each mirror line its ``line_key`` itself, from no more than the rows of one order:

1. MAS's lines of the order are matched with the mirror's active lines of that order — first a
   line with exactly the same values (oldest key first), then one of the same identity
   (``IDENTITY``: component item, step, warehouse), pairing in list order;
2. a matched line keeps its key (a changed quantity is an update of that line); a line left
   over gets the order's next free key (never one an inactive line holds); a mirror line left
   over is one MAS no longer has, and the pull marks it inactive (never deleted).

Matching by value and identity rather than by position means that a line inserted or removed
in the middle of a list changes exactly that line, whatever order the driver returns the rows
in (ProvideX returns a new line's record after the older ones; the list puts it in between).
Collected transactions refer to material lines by work order and item code (the validation's
"not on the material list" and over-issue checks); handhelds keep them by (work order,
``line_key``): both stay with the same rows.

``KeyedRows`` plugs this into ``syncconfig.pull_diff.sync_table``: it turns the table's spec into one
with the full key, and MAS's keyless rows into keyed rows the usual comparison takes.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator

from django.db import connection

from mas.rowforms import column_forms, row_function
from syncconfig.autosync import TableSpec

IDENTITY = ("item_code", "step", "warehouse")  # what makes two lines of one order the same line
CHUNK = 1000


def _order(key: str) -> tuple:
    """Keys in the order they were given: numbers by value, anything else after them."""
    return (0, int(key), "") if key.isdigit() else (1, 0, key)


def next_keys(used: Iterable[str], count: int, width: int) -> list[str]:
    """``count`` fresh keys after the highest numeric one in ``used``, zero-padded to ``width``."""
    start = max((int(k) for k in used if k.isdigit()), default=0) + 1
    keys = [f"{n:0{width}d}" for n in range(start, start + count)]
    if keys and len(keys[-1]) > width:
        raise ValueError(f"An order has more than {10 ** width - 1} material line keys: it cannot be numbered.")
    return keys


def match_lines(old: list[tuple[str, tuple]], new: list[tuple], identity: list[int]) -> list[str | None]:
    """For each new line (values, in list order) the key of the old line it is, or None (a new line).

    ``old``: (key, values) of the mirror's active lines of one order; ``identity``: positions in
    the values of the fields that make a line the same line.
    """
    old = sorted(old, key=lambda kv: _order(kv[0]))
    keys: list[str | None] = [None] * len(new)
    taken: set[str] = set()
    exact: dict[tuple, deque] = defaultdict(deque)
    for key, values in old:
        exact[values].append(key)
    for n, values in enumerate(new):
        if exact.get(values):
            keys[n] = exact[values].popleft()
            taken.add(keys[n])
    same: dict[tuple, deque] = defaultdict(deque)
    for key, values in old:
        if key not in taken:
            same[tuple(values[i] for i in identity)].append(key)
    for n, values in enumerate(new):
        if keys[n] is None and (candidates := same.get(tuple(values[i] for i in identity))):
            keys[n] = candidates.popleft()
    return keys


class KeyedRows:
    """The derived key of one table for one pull (see the module's docstring)."""

    def __init__(self, spec: TableSpec):
        if len(spec.derived_keys) != 1:
            raise ValueError("Only one key field can be numbered by the portal.")
        self.source = spec
        (self.derived,) = spec.derived_keys
        fields = {f.name: f for f in spec.model._meta.concrete_fields}
        self.group = len(spec.key_fields)  # the mapped keys (the work order) come first
        self.width = fields[self.derived].max_length
        # The spec the comparison sees: the full key (mapped keys, then the derived one).
        self.spec = dataclasses.replace(
            spec,
            key_fields=(*spec.key_fields, self.derived),
            model_fields=(*spec.model_fields[: self.group], fields[self.derived], *spec.model_fields[self.group :]),
            derived_keys=(),
        )
        self.identity = [i for i, name in enumerate(spec.value_fields) if name in IDENTITY]
        self.convert_row = row_function(column_forms(spec.model_fields, connection))

    def chunks(self, mas, mirror) -> Iterator[list[tuple]]:
        """MAS's rows, keyed, in chunks; ``mirror`` is the pull's ``MirrorTable`` (``syncconfig.pull_write``) of the full spec."""
        orders: dict[tuple, list[tuple]] = defaultdict(list)
        for chunk in mas.select_chunks(self.source.mas_table, self.source.mas_columns, convert_row=self.convert_row):
            for values in chunk:
                orders[values[: self.group]].append(values[self.group :])
        active, used = self._mirror_lines(mirror)
        out: list[tuple] = []
        for order, lines in orders.items():
            keys = match_lines(active.get(order, []), lines, self.identity)
            fresh = iter(next_keys(used.get(order, ()), keys.count(None), self.width))
            for key, values in zip(keys, lines):
                out.append((*order, key if key is not None else next(fresh), *values))
            if len(out) >= CHUNK:
                yield out
                out = []
        if out:
            yield out

    def _mirror_lines(self, mirror) -> tuple[dict[tuple, list[tuple[str, tuple]]], dict[tuple, list[str]]]:
        """{order: [(key, values)] of its active lines}, {order: every key it holds} — one read."""
        group = self.group
        active: dict[tuple, list[tuple[str, tuple]]] = defaultdict(list)
        used: dict[tuple, list[str]] = defaultdict(list)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {mirror.active}, {', '.join(mirror.reads)} FROM {mirror.table}")
            while rows := cursor.fetchmany(5000):
                for is_active, *values in rows:
                    values = mirror._norm(values)
                    order, key = values[:group], values[group]
                    used[order].append(key)
                    if is_active:
                        active[order].append((key, values[group + 1 :]))
        return active, used
