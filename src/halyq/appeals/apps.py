from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "halyq.appeals"
    label = "appeals"

    def ready(self) -> None:
        # Connects the calendar cache invalidation to CalendarOverride changes.
        from halyq.appeals import calendar  # noqa: F401
        from halyq.appeals.personal_data import register_provider
        from halyq.sms import checks  # noqa: F401 — registers the SMS gateway's check

        register_provider()

        from halyq.accounts.signals import email_confirmed

        email_confirmed.connect(_count_the_authors_appeals, dispatch_uid="appeals-author-confirmed")


def _count_the_authors_appeals(sender, *, user, **kwargs) -> None:
    # Web appeals filed before the email was confirmed start to count now.
    from halyq.appeals.services import appeals_author_confirmed

    appeals_author_confirmed(user=user)
