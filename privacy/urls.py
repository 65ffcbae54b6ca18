from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("journal/", views.journal, name="journal"),
    path("anonymisations/", views.due, name="due"),
    path("jeunes/<int:pk>/anonymisation/", views.anonymise, name="anonymise"),
    path("jeunes/<int:pk>/acces.json", views.export_json, name="export_json"),
    path("jeunes/<int:pk>/acces.pdf", views.export_pdf, name="export_pdf"),
]
