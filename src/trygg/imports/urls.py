from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.start, name="start"),
    path("<int:pk>/kolumner/", views.columns, name="columns"),
    path("<int:pk>/handelsetyper/", views.categories, name="categories"),
    path("<int:pk>/kontroll/", views.check, name="check"),
    path("<int:pk>/", views.status, name="status"),
    path("<int:pk>/avvisade-rader.csv", views.rejected, name="rejected"),
]
