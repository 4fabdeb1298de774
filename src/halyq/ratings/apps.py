from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "halyq.ratings"
    label = "ratings"

    def ready(self) -> None:
        from halyq.directory import publication
        from halyq.ratings import live  # noqa: F401  (connects the live-update receiver)
        from halyq.ratings.visibility import public_region_ids

        publication.provide(public_region_ids)
