from django.contrib import admin
from django.urls import include, path

from emps import offline, views
from workspace import views as workspace_views

urlpatterns = [
    path("", workspace_views.home, name="home"),
    path("connexion/", views.EmpsLoginView.as_view(), name="login"),
    path("deconnexion/", views.EmpsLogoutView.as_view(), name="logout"),
    path("sante/", views.health, name="health"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("saisies-en-attente/", offline.outbox_list, name="outbox"),
    path("jeunes/", include("youths.urls")),
    path("activite/", include("actions.urls")),
    path("bilans/", include("reports.urls")),
    path("confidentialite/", include("privacy.urls")),
    path("compte/", include("emps.accounts.urls")),
    path("echanges/", include("transfer.urls")),
    path("taches/", include("emps.job_urls")),
    path("financeurs/", include("reports.dashboards.urls")),
    path("admin/", admin.site.urls),
    path("referentiels/", include("workspace.reference_urls")),
]
