from django.urls import path

from emps import views

app_name = "jobs"

urlpatterns = [
    path("<int:pk>/", views.job, name="detail"),
    path("<int:pk>/etat/", views.job_state, name="state"),
    path("<int:pk>/telecharger/", views.job_download, name="download"),
]
