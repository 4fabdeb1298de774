from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "halyq.news"
    label = "news"
