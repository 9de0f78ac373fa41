# The queue's free-text search reads an index, not the history (issue 13): the text fields of a
# line (work order, employee, crew, item, comment) are kept in a table of their own, indexed for
# substring search — on PostgreSQL a pg_trgm GIN index, on SQLite an FTS5 table with the trigram
# tokenizer — and kept by triggers on the line's table.
#
# A table of its own rather than an index on reviews_transaction: every decision and every export
# rewrites each index of the line (status is indexed, so no update is HOT), and a trigram index
# holds some twenty entries per line. The search table is written only when a line arrives, when
# one of its text fields is corrected, and when it is deleted.
#
# pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the database's owner may
# create it.

from django.db import migrations

SEARCHED = ("work_order", "employee", "crew", "item_code", "comment")

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE TABLE reviews_transaction_search (
        transaction_id bigint PRIMARY KEY,
        text text NOT NULL
    )""",
    "CREATE INDEX reviews_txn_search_trgm ON reviews_transaction_search USING gin (text gin_trgm_ops)",
    # One row per line: the searched fields joined by the unit separator, which nobody types, so
    # that a search never matches across two fields.
    """CREATE FUNCTION reviews_transaction_search_text(wo text, emp text, crew text, item text, note text)
        RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT concat_ws(chr(31), wo, emp, crew, item, note) $$""",
    # Lines arrive by the thousand (a push, a bulk insert): one statement per statement.
    """CREATE FUNCTION reviews_transaction_search_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO reviews_transaction_search (transaction_id, text)
        SELECT id, reviews_transaction_search_text(work_order, employee, crew, item_code, comment) FROM new_rows
        ON CONFLICT (transaction_id) DO UPDATE SET text = EXCLUDED.text;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER reviews_transaction_search_insert AFTER INSERT ON reviews_transaction
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reviews_transaction_search_inserted()""",
    # A correction: one line at a time, and only when a searched field changed (a decision or an
    # export sets status and version only, and fires nothing).
    """CREATE FUNCTION reviews_transaction_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE reviews_transaction_search
        SET text = reviews_transaction_search_text(NEW.work_order, NEW.employee, NEW.crew, NEW.item_code, NEW.comment)
        WHERE transaction_id = NEW.id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER reviews_transaction_search_update
        AFTER UPDATE OF work_order, employee, crew, item_code, comment ON reviews_transaction FOR EACH ROW
        WHEN (OLD.work_order IS DISTINCT FROM NEW.work_order OR OLD.employee IS DISTINCT FROM NEW.employee
              OR OLD.crew IS DISTINCT FROM NEW.crew OR OLD.item_code IS DISTINCT FROM NEW.item_code
              OR OLD.comment IS DISTINCT FROM NEW.comment)
        EXECUTE FUNCTION reviews_transaction_search_changed()""",
    """CREATE FUNCTION reviews_transaction_search_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM reviews_transaction_search WHERE transaction_id IN (SELECT id FROM old_rows);
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER reviews_transaction_search_delete AFTER DELETE ON reviews_transaction
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reviews_transaction_search_deleted()""",
    """CREATE FUNCTION reviews_transaction_search_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE reviews_transaction_search;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER reviews_transaction_search_truncate AFTER TRUNCATE ON reviews_transaction
        FOR EACH STATEMENT EXECUTE FUNCTION reviews_transaction_search_truncated()""",
    """INSERT INTO reviews_transaction_search (transaction_id, text)
        SELECT id, reviews_transaction_search_text(work_order, employee, crew, item_code, comment)
        FROM reviews_transaction""",
    "ANALYZE reviews_transaction_search",
]
POSTGRESQL_BACK = [
    "DROP TRIGGER IF EXISTS reviews_transaction_search_insert ON reviews_transaction",
    "DROP TRIGGER IF EXISTS reviews_transaction_search_update ON reviews_transaction",
    "DROP TRIGGER IF EXISTS reviews_transaction_search_delete ON reviews_transaction",
    "DROP TRIGGER IF EXISTS reviews_transaction_search_truncate ON reviews_transaction",
    "DROP FUNCTION IF EXISTS reviews_transaction_search_inserted()",
    "DROP FUNCTION IF EXISTS reviews_transaction_search_changed()",
    "DROP FUNCTION IF EXISTS reviews_transaction_search_deleted()",
    "DROP FUNCTION IF EXISTS reviews_transaction_search_truncated()",
    "DROP TABLE IF EXISTS reviews_transaction_search",
    "DROP FUNCTION IF EXISTS reviews_transaction_search_text(text, text, text, text, text)",
    # pg_trgm stays: other objects may use it, and it costs nothing unused.
]

_COLUMNS = ", ".join(SEARCHED)
_NEW = ", ".join(f"new.{c}" for c in SEARCHED)
_OLD = ", ".join(f"old.{c}" for c in SEARCHED)
_CHANGED = " OR ".join(f"old.{c} IS NOT new.{c}" for c in SEARCHED)
# An external-content FTS5 table: it holds the index only (the text stays in reviews_transaction),
# its rowid is the line's id. Deleting from it names the old values, as FTS5 asks.
SQLITE = [
    f"""CREATE VIRTUAL TABLE reviews_transaction_search USING fts5(
        {_COLUMNS}, content='reviews_transaction', content_rowid='id', tokenize='trigram')""",
    f"""CREATE TRIGGER reviews_transaction_search_insert AFTER INSERT ON reviews_transaction BEGIN
        INSERT INTO reviews_transaction_search (rowid, {_COLUMNS}) VALUES (new.id, {_NEW});
    END""",
    f"""CREATE TRIGGER reviews_transaction_search_delete AFTER DELETE ON reviews_transaction BEGIN
        INSERT INTO reviews_transaction_search (reviews_transaction_search, rowid, {_COLUMNS})
        VALUES ('delete', old.id, {_OLD});
    END""",
    f"""CREATE TRIGGER reviews_transaction_search_update AFTER UPDATE OF {_COLUMNS} ON reviews_transaction
        WHEN {_CHANGED} BEGIN
        INSERT INTO reviews_transaction_search (reviews_transaction_search, rowid, {_COLUMNS})
        VALUES ('delete', old.id, {_OLD});
        INSERT INTO reviews_transaction_search (rowid, {_COLUMNS}) VALUES (new.id, {_NEW});
    END""",
    "INSERT INTO reviews_transaction_search (reviews_transaction_search) VALUES ('rebuild')",
]
SQLITE_BACK = [
    "DROP TRIGGER IF EXISTS reviews_transaction_search_insert",
    "DROP TRIGGER IF EXISTS reviews_transaction_search_delete",
    "DROP TRIGGER IF EXISTS reviews_transaction_search_update",
    "DROP TABLE IF EXISTS reviews_transaction_search",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"The queue's search index is written for PostgreSQL and SQLite, "
                               f"not {schema_editor.connection.vendor}.")
        for statement in statements:
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('transactions', '0004_device_changes_index'),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_BACK, "sqlite": SQLITE_BACK}),
            elidable=False,
        ),
    ]
