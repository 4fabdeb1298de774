from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "halyq.ratings"
    label = "ratings"
