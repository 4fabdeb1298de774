"""Pages of personal receptions (mounted at /receptions/)."""

from django.urls import path

from halyq.receptions import views, workspace

app_name = "receptions"

urlpatterns = [
    path("", views.reception_list, name="list"),
    path("<int:pk>/", views.reception_detail, name="detail"),
    path("<int:pk>/book/", views.reception_book, name="book"),
    path("my/", views.my_bookings, name="my_bookings"),
    path("my/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("workspace/", workspace.workspace, name="workspace"),
    path("workspace/office/<slug:slug>/", workspace.office_page, name="office"),
    path("workspace/reception/<int:pk>/", workspace.reception_manage, name="manage"),
    path("workspace/reception/<int:pk>/visitors.csv", workspace.reception_export, name="export"),
    path("deputy/", workspace.deputy_receptions, name="deputy"),
]
