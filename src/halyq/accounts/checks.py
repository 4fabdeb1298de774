"""System checks of the accounts app (registered in AccountsConfig.ready)."""

from __future__ import annotations

from django.core.checks import Error, Tags, register

from halyq.accounts import encryption


@register(Tags.security, deploy=True)
def field_encryption_keys_check(app_configs=None, **kwargs) -> list[Error]:
    """`check --deploy` fails when IINs could not be encrypted with a real key.

    The development fallback key does not count: it is derived from SECRET_KEY and
    printed in no secret store, so production data must never be encrypted with it.
    """
    problem = encryption.key_problem()
    if problem is None:
        return []
    return [
        Error(
            problem,
            hint="Personal data (IINs) is stored encrypted; production needs its own keys.",
            id="accounts.E001",
        )
    ]
