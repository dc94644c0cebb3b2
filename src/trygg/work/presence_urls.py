from django.urls import path

from . import presence_views as views

app_name = "presence"
urlpatterns = [
    path("", views.week, name="week"),
    path("ny/", views.create, name="create"),
    path("<int:pk>/", views.edit, name="edit"),
    path("<int:pk>/installd/", views.cancel, name="cancel"),
    path("brannpunkter/", views.hotspots, name="hotspots"),
    path("over-tid/", views.trend, name="trend"),
]
