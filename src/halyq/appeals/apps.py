from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "halyq.appeals"
    label = "appeals"
