from django.urls import path

from transfer import views

app_name = "transfer"

urlpatterns = [
    path("", views.index, name="index"),
    path("importer/", views.preview, name="preview"),
    path("importer/confirmer/", views.confirm, name="confirm"),
    path("importer/annuler/", views.cancel, name="cancel"),
    path("importer/termine/", views.done, name="done"),
    path("exporter/", views.export, name="export"),
    path("formats/", views.formats, name="formats"),
    path("formats/documentation.txt", views.documentation, name="documentation"),
    path("modeles/<slug:kind>.<str:fmt>", views.template, name="template"),
]
