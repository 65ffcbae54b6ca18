from django.urls import path

from emps.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="detail"),
    path("mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path("double-authentification/", views.otp_setup, name="otp_setup"),
    path("double-authentification/verification/", views.otp_verify, name="otp_verify"),
    path("double-authentification/desactivation/", views.otp_disable, name="otp_disable"),
    path("equipe/", views.team_accounts, name="team"),
    path("equipe/<int:pk>/desactivation/", views.account_set_active, {"active": False}, name="deactivate"),
    path("equipe/<int:pk>/reactivation/", views.account_set_active, {"active": True}, name="reactivate"),
    path("equipe/<int:pk>/double-authentification/", views.account_reset_otp, name="otp_reset"),
]
