from django.apps import AppConfig


class IntegrityConfig(AppConfig):
    name = "halyq.integrity"
    label = "integrity"
