"""Seed step: the demo accounts people log in with after `make run`."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from halyq.accounts.models import User

DEMO_PASSWORD = "halyq-demo-2026"  # noqa: S105 — printed to the user on purpose: demo only
DEMO_DOMAIN = "demo.halyq.kz"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str


def seed_admin() -> User:
    return User.objects.create_superuser(
        email=f"admin@{DEMO_DOMAIN}",
        password=DEMO_PASSWORD,
        display_name="Central administrator",
        email_confirmed_at=timezone.now(),
    )


def demo_accounts() -> list[User]:
    return list(User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").order_by("email"))
