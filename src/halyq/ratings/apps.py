from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "halyq.ratings"
    label = "ratings"

    def ready(self) -> None:
        from halyq.ratings import live  # noqa: F401  (connects the live-update receiver)
