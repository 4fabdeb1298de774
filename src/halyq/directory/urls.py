from django.urls import path

from halyq.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.person_list, name="people"),
    path("<uuid:public_id>/", views.person_detail, name="person"),
]
