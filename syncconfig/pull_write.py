"""The pull's SQL writer: one mirror table read and written with plain SQL in bulk.

``syncconfig.pull_diff`` decides what changed; this module holds how the mirror is read for
the comparison (``index``, ``digests``) and how new, changed and vanished rows are written.
"""
from __future__ import annotations

from collections.abc import Iterator

from django.db import connection

from mas.rowforms import column_forms, row_function
from syncconfig.autosync import TableSpec
from kernel.bulk import insert_rows

MIRROR_PAGE = 5000  # mirror rows per page of the full pull's merge


class MirrorTable:
    """One mirror table, read and written with plain SQL in bulk (``kernel.bulk`` for new
    rows, ``executemany`` for changed ones), never a ``save()`` or a model instance per row."""

    def __init__(self, spec: TableSpec, now):
        meta = spec.model._meta
        q = connection.ops.quote_name
        fields = spec.model_fields
        self.nk = len(spec.key_fields)
        # MAS values are converted to the form the portal database stores them in, and the
        # mirror's values read back are brought to that form where the database hands back
        # another (``mas.rowforms``), so that equal rows compare equal.
        forms = column_forms(fields, connection)
        self.convert_row = row_function(forms)
        self.convert_key = row_function(forms[: self.nk])
        self.normalise = [form.on_read for form in forms]
        self.table = q(meta.db_table)
        self.pk = q(meta.pk.column)
        self.columns = [q(f.column) for f in fields]
        self.reads = [form.read.format(column) for form, column in zip(forms, self.columns)]
        self.active = q(meta.get_field("active").column)
        stamp = meta.get_field("last_changed_at").get_db_prep_save(now, connection)
        first_seen = meta.get_field("first_seen_at").get_db_prep_save(now, connection)
        # Fields the mapping leaves unpulled get their default in new rows (the database has none);
        # ``active`` is true, in the same stored form as every value (1 on SQLite, unadapted).
        unmapped = spec.unmapped_fields
        own = [*unmapped, meta.get_field("active")]
        *defaults, true = (form.convert(value) for form, value in zip(
            column_forms(own, connection), [*(f.get_default() for f in unmapped), True]
        ))
        self.insert_tail = (*defaults, true, first_seen, stamp)
        self.update_tail = (true, stamp)
        self.db_table = meta.db_table
        self.insert_columns = [
            *(f.column for f in (*fields, *unmapped)),
            *(meta.get_field(n).column for n in ("active", "first_seen_at", "last_changed_at")),
        ]
        sets = [*self.columns[self.nk:], self.active, q(meta.get_field("last_changed_at").column)]
        self.update_sql = f"UPDATE {self.table} SET {', '.join(f'{c} = %s' for c in sets)} WHERE {self.pk} = %s"
        self.deactivate_head = (
            f"UPDATE {self.table} SET {self.active} = %s, {q(meta.get_field('last_changed_at').column)} = %s "
            f"WHERE {self.active} = %s AND {self.pk} IN "
        )
        self.stamp = stamp

    def _norm(self, values) -> tuple:
        if not any(self.normalise):
            return tuple(values)
        return tuple([v if n is None else n(v) for n, v in zip(self.normalise, values)])

    def index(self, *, with_values: bool) -> dict[tuple, tuple[int, int | None, bool]]:
        """{key: (pk, hash of the values or None, active)} of every mirror row."""
        columns = self.reads if with_values else self.reads[: self.nk]
        normalise = self.normalise if with_values else self.normalise[: self.nk]
        nk = self.nk
        index = {}
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {self.pk}, {self.active}, {', '.join(columns)} FROM {self.table}")
            while rows := cursor.fetchmany(5000):
                if any(normalise):
                    rows = [
                        (pk, active, *[v if n is None else n(v) for n, v in zip(normalise, values)])
                        for pk, active, *values in rows
                    ]
                for row in rows:
                    index[row[2 : 2 + nk]] = (row[0], hash(row[2 + nk :]) if with_values else None, bool(row[1]))
        return index

    def ordered(self, page: int | None = None) -> Iterator[list[tuple]]:
        """Every mirror row as ``(pk, active, *values)`` (values as ``index`` compares them), in
        the order Python sorts the keys (code point order: SQLite's binary collation, PostgreSQL's
        "C"), a page at a time: the mirror side of the full pull's merge with MAS.

        PostgreSQL: one server-side cursor (the snapshot it opened on, whatever the pull writes
        meanwhile). Elsewhere (SQLite) pages by key on the key's unique index, each a statement of
        its own, so that no read is left open on the connection while the pull writes to the table.
        """
        page = page or MIRROR_PAGE
        nk = self.nk
        keys = self.columns[:nk]
        select = f"SELECT {self.pk}, {self.active}, {', '.join(self.reads)} FROM {self.table}"
        normalise = self.normalise if any(self.normalise) else None

        def normed(rows):
            if normalise is None:
                return rows
            return [(pk, active, *[v if n is None else n(v) for n, v in zip(normalise, values)]) for pk, active, *values in rows]

        if connection.vendor == "postgresql":
            order = ", ".join(f'{c} COLLATE "C"' for c in keys)
            with connection.chunked_cursor() as cursor:
                cursor.execute(f"{select} ORDER BY {order}")
                while rows := cursor.fetchmany(page):
                    yield normed(rows)
            return
        order = ", ".join(keys)
        after = f"({order}) > ({', '.join(['%s'] * nk)})"
        sql = f"{select} ORDER BY {order} LIMIT {page}"
        params: list = []
        with connection.cursor() as cursor:
            while True:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
                if not rows:
                    return
                params = list(rows[-1][2 : 2 + nk])  # the last key as stored
                yield normed(rows)
                if len(rows) < page:
                    return
                sql = f"{select} WHERE {after} ORDER BY {order} LIMIT {page}"

    def digests(self, pks: list[int]) -> dict[int, int]:
        """{pk: hash of the values} for some rows."""
        found = {}
        with connection.cursor() as cursor:
            for start in range(0, len(pks), 500):
                chunk = pks[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"SELECT {self.pk}, {', '.join(self.reads)} FROM {self.table} WHERE {self.pk} IN ({marks})", chunk)
                for pk, *values in cursor.fetchall():
                    found[pk] = hash(self._norm(values)[self.nk:])
        return found

    def insert(self, rows: list[tuple]) -> None:
        """New rows, in bulk (COPY on PostgreSQL, multi-row INSERTs elsewhere). Values are
        converted rows (``convert_row``): ready for the database driver as they are."""
        tail = self.insert_tail
        insert_rows(self.db_table, self.insert_columns, [values + tail for values in rows])

    def update(self, rows: list[tuple[int, tuple]]) -> None:
        if rows:
            nk = self.nk
            with connection.cursor() as cursor:
                cursor.executemany(
                    self.update_sql, [v[nk:] + self.update_tail + (pk,) for pk, v in rows]
                )

    def deactivate(self, pks: list[int]) -> int:
        """Mark rows inactive (``pks`` at most a few hundred); returns how many were active."""
        with connection.cursor() as cursor:
            cursor.execute(f"{self.deactivate_head}({', '.join(['%s'] * len(pks))})", [False, self.stamp, True, *pks])
            return cursor.rowcount

    def count_active(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {self.table} WHERE {self.active} = %s", [True])
            return cursor.fetchone()[0]
