from django.urls import path

from actions import views

app_name = "actions"

urlpatterns = [
    path("interventions/", views.intervention_list, name="intervention_list"),
    path("interventions/nouvelle/", views.intervention_create, name="intervention_create"),
    path("interventions/<int:pk>/modifier/", views.intervention_update, name="intervention_update"),
    path("interventions/<int:pk>/supprimer/", views.intervention_delete, name="intervention_delete"),
    path("presences/", views.presence_list, name="presence_list"),
    path("presences/nouvelle/", views.presence_create, name="presence_create"),
    path("presences/<int:pk>/modifier/", views.presence_update, name="presence_update"),
    path("presences/<int:pk>/supprimer/", views.presence_delete, name="presence_delete"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/nouvelle/", views.action_create, name="action_create"),
    path("actions/<int:pk>/modifier/", views.action_update, name="action_update"),
    path("actions/<int:pk>/supprimer/", views.action_delete, name="action_delete"),
    path("temps-partenariaux/", views.meeting_list, name="meeting_list"),
    path("temps-partenariaux/nouveau/", views.meeting_create, name="meeting_create"),
    path("temps-partenariaux/<int:pk>/modifier/", views.meeting_update, name="meeting_update"),
    path("temps-partenariaux/<int:pk>/supprimer/", views.meeting_delete, name="meeting_delete"),
]
