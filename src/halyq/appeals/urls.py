from django.urls import path

from halyq.appeals import views

app_name = "appeals"

urlpatterns = [
    # public
    path("offices/", views.office_list, name="offices"),
    # citizens and visitors
    path("appeals/", views.my_appeals, name="mine"),
    path("appeals/new/", views.appeal_new, name="new"),
    path("appeals/confirm/", views.visitor_code, name="confirm"),
    path("appeals/v/<str:token>/", views.visitor_appeal, name="visitor"),
    path(
        "appeals/v/<str:token>/files/<int:attachment_id>/",
        views.visitor_attachment,
        name="visitor_attachment",
    ),
    path("appeals/<str:number>/", views.appeal_detail, name="detail"),
    path(
        "appeals/<str:number>/files/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    # operators, deputies and activists, moderators, administrators
    path("staff/", views.staff_queue, name="queue"),
    path("staff/export.csv", views.staff_export, name="export"),
    path("staff/assign/", views.bulk_assign, name="bulk_assign"),
    path("staff/new/", views.operator_register, name="register"),
    path("staff/overview/", views.overview, name="overview"),
    path("staff/appeals/<str:number>/", views.staff_detail, name="staff_detail"),
]
