"""Auto-sync Tables: the default rows, and what a row means to the pull (its ``TableSpec``)."""
from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from mas.gateway import MASGateway
from mas.rowforms import converter
from mas.tablemaps import DATE_UPDATED, DEFAULT_TABLE_MAPS, TABLE_MAPS, mappable_fields, mirror_model
from syncconfig.models import AutoSyncTable, PullLock, SyncMode


def ensure_default_tables() -> None:
    """Create the Auto-sync Tables rows the defaults name and the database lacks (never overwrites)."""
    existing = set(AutoSyncTable.objects.values_list("name", flat=True))
    AutoSyncTable.objects.bulk_create(
        [
            AutoSyncTable(
                name=m.name,
                label=m.label,
                position=position * 10,
                mas_table=m.mas_table,
                key_columns=dict(m.keys),
                columns=dict(m.columns),
                mode=SyncMode.INCREMENTAL if m.incremental else SyncMode.FULL,
            )
            for position, m in enumerate(DEFAULT_TABLE_MAPS, start=1)
            if m.name not in existing
        ]
    )
    PullLock.objects.get_or_create(pk=1)


@dataclass(frozen=True)
class TableSpec:
    """An Auto-sync Tables row resolved against its mirror model, ready to pull."""

    model: type[models.Model]
    mas_table: str
    key_fields: tuple[str, ...]
    value_fields: tuple[str, ...]
    mas_columns: tuple[str, ...]  # one per field, keys first (may repeat)
    model_fields: tuple[models.Field, ...]  # the mirror's fields, in the same order
    unmapped_fields: tuple[models.Field, ...]  # fields the mapping leaves unpulled: new rows take their default
    incremental: bool
    # Optional key fields left without a MAS column: the pull gives them values itself
    # (``syncconfig.material_keys``: the line key of a material line), after the mapped keys.
    derived_keys: tuple[str, ...] = ()

    @classmethod
    def of(cls, table: AutoSyncTable) -> TableSpec:
        fields = {f.name: f for f in mappable_fields(table.name)}
        optional = TABLE_MAPS[table.name].optional_keys if table.name in TABLE_MAPS else ()
        derived_keys = tuple(f for f, column in table.key_columns.items() if not column and f in optional)
        if missing := [f for f, column in table.key_columns.items() if not column and f not in optional]:
            raise ValueError(f"The key field {missing[0]} has no MAS column: fix the table's mapping.")
        key_fields = tuple(f for f in table.key_columns if f not in derived_keys)
        value_fields = tuple(f for f in table.columns if f not in table.key_columns)
        return cls(
            model=mirror_model(table.name),
            mas_table=table.mas_table,
            key_fields=key_fields,
            value_fields=value_fields,
            mas_columns=tuple(table.key_columns[f] for f in key_fields) + tuple(table.columns[f] for f in value_fields),
            model_fields=tuple(fields[f] for f in key_fields + value_fields),  # KeyError: not a mirror field
            unmapped_fields=tuple(
                f for name, f in fields.items() if name not in key_fields + value_fields + derived_keys
            ),
            incremental=table.mode == SyncMode.INCREMENTAL,
            derived_keys=derived_keys,
        )

    @property
    def fields(self) -> tuple[str, ...]:
        return self.key_fields + self.value_fields


def mapping_errors(
    name: str, mas_table: str, key_columns: dict[str, str], columns: dict[str, str], mode: str, mas: MASGateway
) -> dict[str, str]:
    """What is wrong with a mapping, as {form field or "mas_table"/"mode": message}, checked with discovery.

    Form field names are ``key__<field>`` and ``col__<field>``.
    """
    mas_columns = {c.lower(): c for c, _type, _size in mas.columns(mas_table)}
    if not mas_columns:
        return {"mas_table": f"MAS has no table {mas_table!r} (or it has no columns)."}
    errors: dict[str, str] = {}
    for prefix, mapping in (("key", key_columns), ("col", columns)):
        for field, column in mapping.items():
            if column and column.lower() not in mas_columns:
                errors[f"{prefix}__{field}"] = f"MAS table {mas_table} has no column {column!r}."
    if mode == SyncMode.INCREMENTAL and DATE_UPDATED.lower() not in mas_columns:
        errors["mode"] = f"MAS table {mas_table} has no {DATE_UPDATED} column: it can only be pulled in full."
    if name not in TABLE_MAPS:
        errors["mas_table"] = f"The portal has no mirror called {name!r}."
    used: dict[str, str] = {}
    for field, column in key_columns.items():
        if not column:
            if field not in (TABLE_MAPS[name].optional_keys if name in TABLE_MAPS else ()):
                errors[f"key__{field}"] = "A key field needs its MAS column."
            continue
        if column.lower() in used:
            errors[f"key__{field}"] = f"{column} already fills the key field {used[column.lower()]}: each key field needs its own column."
        used.setdefault(column.lower(), field)
    if not errors:
        errors.update(_sample_errors(name, mas_table, key_columns, columns, mas))
    return errors


SAMPLE_ROWS = 200


def _sample_errors(name: str, mas_table: str, key_columns: dict, columns: dict, mas: MASGateway) -> dict[str, str]:
    """Read the first rows as the pull would, and say which field's values do not fit it: text in a
    number field, or a key longer than the mirror's key holds (different rows would merge)."""
    fields = {f.name: f for f in mappable_fields(name)}
    mapped = [("key", f, c) for f, c in key_columns.items() if c] + [("col", f, c) for f, c in columns.items()]
    convert = [converter(fields[f]) for _kind, f, _c in mapped]
    errors: dict[str, str] = {}
    chunks = mas.select_chunks(mas_table, [c for _kind, _f, c in mapped])
    try:
        rows = next(chunks, [])[:SAMPLE_ROWS]
    finally:
        chunks.close()
    for row in rows:
        for (kind, field, column), to_mirror, value in zip(mapped, convert, row):
            if f"{kind}__{field}" in errors:
                continue
            try:
                to_mirror(value)
            except ValueError as exc:
                errors[f"{kind}__{field}"] = f"{column} holds {value!r}, which does not fit this field ({exc})."
                continue
            width = getattr(fields[field], "max_length", None)
            if kind == "key" and isinstance(value, str) and width and len(value.strip()) > width:
                errors[f"{kind}__{field}"] = (
                    f"{column} holds {value.strip()!r}, longer than the {width} characters this key keeps: "
                    "different MAS rows would become one."
                )
    return errors
