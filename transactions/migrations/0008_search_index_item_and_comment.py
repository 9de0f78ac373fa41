# The queue's text index holds the item and the comment only (issue 13/14): the keys — work order,
# employee, crew — are fixed-width numbers that the search box finds whole from their own
# (key, collected_at, id) indexes ("1007" is work order 0001007). Kept in the trigram index, every
# line's keys share the same few trigrams ("000", "001"): a search for a work order number read a
# posting list of every line ever collected (60 ms at 2,000,000 lines on SQLite, growing with the
# history), and every arriving line wrote them.
#
# On PostgreSQL the table keeps only lines with an item or a comment; on SQLite the FTS5 table is
# made again with the two columns.

import importlib

from django.db import migrations

POSTGRESQL = [
    "DROP TRIGGER IF EXISTS reviews_transaction_search_update ON reviews_transaction",
    """CREATE OR REPLACE FUNCTION reviews_transaction_search_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO reviews_transaction_search (transaction_id, text)
        SELECT id, concat_ws(chr(31), item_code, comment) FROM new_rows WHERE item_code <> '' OR comment <> ''
        ON CONFLICT (transaction_id) DO UPDATE SET text = EXCLUDED.text;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION reviews_transaction_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.item_code = '' AND NEW.comment = '' THEN
            DELETE FROM reviews_transaction_search WHERE transaction_id = NEW.id;
        ELSE
            INSERT INTO reviews_transaction_search (transaction_id, text)
            VALUES (NEW.id, concat_ws(chr(31), NEW.item_code, NEW.comment))
            ON CONFLICT (transaction_id) DO UPDATE SET text = EXCLUDED.text;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER reviews_transaction_search_update
        AFTER UPDATE OF item_code, comment ON reviews_transaction FOR EACH ROW
        WHEN (OLD.item_code IS DISTINCT FROM NEW.item_code OR OLD.comment IS DISTINCT FROM NEW.comment)
        EXECUTE FUNCTION reviews_transaction_search_changed()""",
    "DROP FUNCTION IF EXISTS reviews_transaction_search_text(text, text, text, text, text)",
    "TRUNCATE reviews_transaction_search",
    """INSERT INTO reviews_transaction_search (transaction_id, text)
        SELECT id, concat_ws(chr(31), item_code, comment) FROM reviews_transaction
        WHERE item_code <> '' OR comment <> ''""",
    "ANALYZE reviews_transaction_search",
]

SQLITE = [
    "DROP TRIGGER IF EXISTS reviews_transaction_search_insert",
    "DROP TRIGGER IF EXISTS reviews_transaction_search_delete",
    "DROP TRIGGER IF EXISTS reviews_transaction_search_update",
    "DROP TABLE IF EXISTS reviews_transaction_search",
    # External content: the index only, its rowid the line's id; deleting names the old values.
    """CREATE VIRTUAL TABLE reviews_transaction_search USING fts5(
        item_code, comment, content='reviews_transaction', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER reviews_transaction_search_insert AFTER INSERT ON reviews_transaction BEGIN
        INSERT INTO reviews_transaction_search (rowid, item_code, comment) VALUES (new.id, new.item_code, new.comment);
    END""",
    """CREATE TRIGGER reviews_transaction_search_delete AFTER DELETE ON reviews_transaction BEGIN
        INSERT INTO reviews_transaction_search (reviews_transaction_search, rowid, item_code, comment)
        VALUES ('delete', old.id, old.item_code, old.comment);
    END""",
    """CREATE TRIGGER reviews_transaction_search_update AFTER UPDATE OF item_code, comment ON reviews_transaction
        WHEN old.item_code IS NOT new.item_code OR old.comment IS NOT new.comment BEGIN
        INSERT INTO reviews_transaction_search (reviews_transaction_search, rowid, item_code, comment)
        VALUES ('delete', old.id, old.item_code, old.comment);
        INSERT INTO reviews_transaction_search (rowid, item_code, comment) VALUES (new.id, new.item_code, new.comment);
    END""",
    "INSERT INTO reviews_transaction_search (reviews_transaction_search) VALUES ('rebuild')",
]


def _run(apps, schema_editor):
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(schema_editor.connection.vendor)
    if statements is None:
        raise RuntimeError(f"The queue's search index is written for PostgreSQL and SQLite, "
                           f"not {schema_editor.connection.vendor}.")
    for statement in statements:
        schema_editor.execute(statement)


def _back(apps, schema_editor):
    """Back to the index of all five fields: migration 0005's own statements, down and up."""
    first = importlib.import_module("transactions.migrations.0005_queue_search_index")
    vendor = schema_editor.connection.vendor
    down = {"postgresql": first.POSTGRESQL_BACK, "sqlite": first.SQLITE_BACK}[vendor]
    up = {"postgresql": first.POSTGRESQL, "sqlite": first.SQLITE}[vendor]
    for statement in (*down, *up):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('transactions', '0007_waiting_line_indexes'),
    ]

    operations = [
        migrations.RunPython(_run, _back, elidable=False),
    ]
