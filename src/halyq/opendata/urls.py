from django.urls import path, re_path

from halyq.opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    # Any name: the selector decides which exist and are safe (404 otherwise).
    re_path(r"^files/(?P<name>.+)$", views.download, name="file"),
]
