from django.urls import path

from transfer import views

app_name = "transfer"

urlpatterns = [
    path("", views.index, name="index"),
    path("importer/", views.preview, name="preview"),
    path("importer/<int:pk>/", views.job, name="job"),
    path("importer/<int:pk>/etat/", views.job_state, name="job_state"),
    path("importer/<int:pk>/confirmer/", views.confirm, name="confirm"),
    path("importer/<int:pk>/annuler/", views.cancel, name="cancel"),
    path("exporter/", views.export, name="export"),
    path("formats/", views.formats, name="formats"),
    path("formats/documentation.txt", views.documentation, name="documentation"),
    path("modeles/<slug:kind>.<str:fmt>", views.template, name="template"),
]
