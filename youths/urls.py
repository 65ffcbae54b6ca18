from django.urls import path

from youths import views

app_name = "youths"

urlpatterns = [
    path("", views.youth_list, name="list"),
    path("nouveau/", views.youth_create, name="create"),
    path("recherche/", views.youth_search, name="search"),
    path("<int:pk>/", views.youth_detail, name="detail"),
    path("<int:pk>/modifier/", views.youth_update, name="update"),
    path("<int:pk>/niveau/", views.youth_change_level, name="change_level"),
    path("<int:pk>/situation/", views.youth_add_situation, name="add_situation"),
    path("<int:pk>/fin/", views.youth_close_support, name="close_support"),
]
