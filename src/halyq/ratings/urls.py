"""Pages of the rating (mounted at /rating/)."""

from django.urls import path

from halyq.ratings import views

app_name = "ratings"

urlpatterns = [
    # public
    path("", views.leaderboard, name="leaderboard"),
    path("export.csv", views.leaderboard_csv, name="export"),
    path("methodology/", views.methodology, name="methodology"),
    path("methodology/<slug:version>/", views.methodology, name="methodology_version"),
    path("people/<uuid:public_id>/", views.person_profile, name="person"),
    # citizens
    path("evaluate/appeal/<int:appeal_id>/", views.evaluate_appeal, name="evaluate_appeal"),
    path("evaluate/booking/<int:booking_id>/", views.evaluate_booking, name="evaluate_booking"),
    # the rated person
    path("me/", views.my_draft, name="mine"),
    path("me/dispute/<int:evaluation_id>/", views.dispute_evaluation, name="dispute"),
    path("me/dispute/outcome/<int:appeal_id>/", views.dispute_outcome, name="dispute_outcome"),
    # moderators
    path("staff/moderation/", views.moderation, name="moderation"),
    path(
        "staff/moderation/evaluations/<int:pk>/", views.decide_evaluation, name="decide_evaluation"
    ),
    path("staff/moderation/comments/<int:pk>/", views.moderate_comment, name="moderate_comment"),
    path("staff/moderation/disputes/<int:pk>/", views.decide_dispute, name="decide_dispute"),
    path("staff/people/<uuid:public_id>/", views.staff_draft, name="staff_draft"),
]
