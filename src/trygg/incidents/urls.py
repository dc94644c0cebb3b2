from django.urls import path

from . import views, views_report

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("rapportera/", views_report.report, name="report"),
    path("rapportera/<int:pk>/kvitto/", views_report.report_receipt, name="report_receipt"),
    path("karta/", views.incident_map, name="map"),
    path("karta.geojson", views.incident_map_geojson, name="map_geojson"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("inkorg/", views.triage_inbox, name="triage"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/andra/", views.incident_edit, name="edit"),
    path("<int:pk>/aterkalla/", views.incident_withdraw, name="withdraw"),
    path("<int:pk>/svar/", views.answer, name="answer"),
    path("<int:pk>/granskad/", views.review, name="review"),
    path("<int:pk>/fraga/", views.ask, name="ask"),
    path("<int:pk>/uppfoljd/", views.clear_follow_up, name="clear_follow_up"),
]
