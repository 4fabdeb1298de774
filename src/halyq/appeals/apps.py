from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "halyq.appeals"
    label = "appeals"

    def ready(self) -> None:
        # Connects the calendar cache invalidation to CalendarOverride changes.
        from halyq.appeals import calendar  # noqa: F401
        from halyq.appeals.personal_data import register_provider

        register_provider()
