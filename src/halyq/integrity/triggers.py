"""Database triggers that make the ledger table append-only.

PostgreSQL: a row trigger raising on UPDATE and DELETE. SQLite: two BEFORE triggers
that abort. TRUNCATE is not guarded: whoever can truncate can also drop triggers; the
chain heads published with every snapshot are what catch a shortened record.
"""

from __future__ import annotations

TABLE = "integrity_ledgerentry"
MESSAGE = "the ledger is append-only"

_POSTGRES_INSTALL = f"""
CREATE OR REPLACE FUNCTION integrity_refuse_ledger_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS integrity_ledger_append_only ON {TABLE};
CREATE TRIGGER integrity_ledger_append_only BEFORE UPDATE OR DELETE ON {TABLE}
  FOR EACH ROW EXECUTE FUNCTION integrity_refuse_ledger_change();
"""
_POSTGRES_UNINSTALL = f"""
DROP TRIGGER IF EXISTS integrity_ledger_append_only ON {TABLE};
DROP FUNCTION IF EXISTS integrity_refuse_ledger_change();
"""
_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS integrity_ledger_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS integrity_ledger_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused'); END""",
]
_SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS integrity_ledger_no_update",
    "DROP TRIGGER IF EXISTS integrity_ledger_no_delete",
]


def _statements(vendor: str, install: bool) -> list[str]:
    if vendor == "postgresql":
        return [_POSTGRES_INSTALL if install else _POSTGRES_UNINSTALL]
    if vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_UNINSTALL
    raise NotImplementedError(f"no append-only trigger for the {vendor} database")


def install(connection) -> None:
    """Install on a Django database connection (`schema_editor.connection` in migrations)."""
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=True):
            cursor.execute(statement)


def uninstall(connection) -> None:
    """Only for migrations backwards and the test suite's database flush."""
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=False):
            cursor.execute(statement)
