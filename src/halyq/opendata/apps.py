from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "halyq.opendata"
    label = "opendata"
