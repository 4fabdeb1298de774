from django.urls import path, re_path

from halyq.programmes import views

app_name = "programmes"

REGION = r"(?P<region_code>\d{2})"
DISTRICT = r"(?P<district_code>\d{9})"

urlpatterns = [
    path("", views.index, name="index"),
    path("moderation/", views.moderation, name="moderation"),
    path("programme/new/", views.programme_create, name="programme_create"),
    path("programme/<slug:code>/", views.programme_detail, name="programme"),
    path("programme/<slug:code>/items.csv", views.programme_csv, name="programme_csv"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/report/", views.item_report, name="item_report"),
    path("items/<int:pk>/cancel/", views.item_cancel, name="item_cancel"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/confirm/", views.item_confirm, name="item_confirm"),
    path("mandates/new/", views.mandate_register, name="mandate_register"),
    path("mandates/<int:pk>/", views.mandate_detail, name="mandate"),
    path("mandates/<int:pk>/decide/", views.mandate_decide, name="mandate_decide"),
    path("reviews/<int:pk>/decide/", views.review_decide, name="review_decide"),
    path("confirmations/<int:pk>/decide/", views.confirmation_decide, name="confirmation_decide"),
    path("deputies/<uuid:public_id>/", views.person_tracker, name="person"),
    path("deputies/<uuid:public_id>/items.csv", views.person_csv, name="person_csv"),
    re_path(rf"^{REGION}/$", views.territory, name="region"),
    re_path(rf"^{REGION}/items\.csv$", views.territory_csv, name="region_csv"),
    re_path(rf"^{REGION}/mandates/$", views.mandate_list, name="region_mandates"),
    re_path(rf"^{REGION}/{DISTRICT}/$", views.territory, name="district"),
    re_path(rf"^{REGION}/{DISTRICT}/items\.csv$", views.territory_csv, name="district_csv"),
]
