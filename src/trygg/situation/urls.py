from django.urls import path

from . import views

app_name = "situation"
urlpatterns = [
    path("", views.latest, name="latest"),
    path("arkiv/", views.archive, name="archive"),
    path("prenumeration/", views.subscription, name="subscription"),
    path("<str:key>/", views.page, name="page"),
    path("<str:key>/bedomning/", views.assessment, name="assessment"),
    path("<str:key>/faststall/", views.approve, name="approve"),
    path("<str:key>/tabeller.csv", views.tables_csv, name="csv"),
    path("<str:key>/version-<int:number>.pdf", views.version_pdf, name="pdf"),
]
