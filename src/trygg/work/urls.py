from django.urls import path

from . import views

app_name = "work"
urlpatterns = [
    path("", views.action_list, name="list"),
    path("min-organisation/", views.todo, name="todo"),
    path("ny/", views.action_create, name="create"),
    path("<int:pk>/", views.action_detail, name="detail"),
    path("<int:pk>/andra/", views.action_edit, name="edit"),
    path("<int:pk>/utvardering/", views.action_evaluate, name="evaluate"),
]
