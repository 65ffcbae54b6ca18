from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.bilan, name="bilan"),
    path("pdf/", views.bilan_pdf, name="bilan_pdf"),
    path("xlsx/", views.bilan_xlsx, name="bilan_xlsx"),
    path("textes/", views.narrative_edit, name="narrative_edit"),
    path("reglages/", views.team_settings_home, name="team_settings_home"),
    path("equipes/<int:pk>/reglages/", views.team_settings, name="team_settings"),
    path("logos/<int:pk>/", views.logo, name="logo"),
    path("objectifs/", views.targets_edit, name="targets_edit"),
    path("perspectives/", views.perspectives_edit, name="perspectives_edit"),
    path("moyens/", views.means_edit, name="means_edit"),
    path("equipes/", views.teams_bilan, name="teams_bilan"),
]
