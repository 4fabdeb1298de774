from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "halyq.core"
    label = "core"
