from django.contrib.auth import views as auth_views
from django.urls import path

from halyq.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.sign_up, name="signup"),
    path("confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("consent/", views.consent_text, name="consent"),
    path("consent/<int:version>/", views.consent_text, name="consent_version"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("me/", views.profile, name="profile"),
    path("me/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("me/confirmation/", views.resend_confirmation, name="resend_confirmation"),
    path("me/iin/", views.set_iin, name="set_iin"),
    path("me/iin/remove/", views.remove_iin, name="remove_iin"),
    path("me/consent/", views.renew_consent, name="renew_consent"),
    path("me/data/", views.download_data, name="download_data"),
    path("me/delete/", views.delete_account, name="delete_account"),
]
