from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "halyq.programmes"
    label = "programmes"
