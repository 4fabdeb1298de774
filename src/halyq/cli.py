"""The `halyq` command: Django's management commands with friendly failure messages.

`halyq migrate`, `halyq serve`, `halyq seed demo`, `halyq import people FILE`,
`halyq check --deploy`... and `halyq verify DIR`, which checks an open-data export
without a database. A misconfiguration or an unreachable database is reported
in one sentence naming the problem and what to do, never as a traceback.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halyq.config.settings.local")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "halyq"
    if argv[1:2] == ["verify"]:
        # Verification needs no database and no Django: anyone can run it on an export.
        from halyq.verification import main as verify

        raise SystemExit(verify(argv[2:]))
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django
        from django.core.management import execute_from_command_line

        django.setup()
        execute_from_command_line(argv)
    except ImproperlyConfigured as error:
        _fail(f"Configuration problem: {error}")
    except Exception as error:  # database failures have backend-specific classes
        from django.db import Error as DatabaseError

        if isinstance(error, DatabaseError):
            _fail(
                f"The database could not be used: {str(error).strip()}. "
                "Check DATABASE_URL and that the server is running, then run `halyq migrate`."
            )
        raise


def _fail(message: str) -> None:
    print(f"halyq: {message}", file=sys.stderr)
    raise SystemExit(2)


if __name__ == "__main__":
    main()
