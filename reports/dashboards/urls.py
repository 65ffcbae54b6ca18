from django.urls import path

from reports.dashboards import api, views

app_name = "funders"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("publications/", views.published_list, name="published_list"),
    path("publications/<int:pk>/", views.published_detail, name="published_detail"),
    path("publications/<int:pk>/telecharger.<str:fmt>", views.published_download, name="published_download"),
    path("publier/", views.publish, name="publish"),
    path("cles-api/", views.api_tokens, name="api_tokens"),
    path("api/tableau-de-bord/", api.dashboard_api, name="api"),
]
