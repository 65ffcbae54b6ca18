from django.urls import path

from workspace import reference_views as views

app_name = "references"

urlpatterns = [
    path("", views.reference_index, name="index"),
    path("<slug:slug>/", views.reference_list, name="list"),
    path("<slug:slug>/<int:pk>/", views.reference_update, name="update"),
]
