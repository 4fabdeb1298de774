from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "halyq.directory"
    label = "directory"
