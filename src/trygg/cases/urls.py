from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("ny/", views.case_create, name="create"),
    path("statistik/", views.statistics, name="statistics"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/syfte/", views.case_purpose, name="purpose"),
    path("<int:pk>/skede/", views.stage, name="stage"),
    path("<int:pk>/team/", views.team, name="team"),
    path("<int:pk>/team/<int:member_pk>/ta-bort/", views.team_remove, name="team_remove"),
    path("<int:pk>/samtycke/", views.consent, name="consent"),
    path(
        "<int:pk>/samtycke/<int:consent_pk>/aterkalla/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<int:pk>/referens/", views.reference, name="reference"),
    path("<int:pk>/plan/", views.commitment, name="commitment"),
    path(
        "<int:pk>/plan/<int:commitment_pk>/status/",
        views.commitment_status,
        name="commitment_status",
    ),
    path("<int:pk>/mote/", views.meeting, name="meeting"),
    path("<int:pk>/bedomning/", views.assessment, name="assessment"),
    path("<int:pk>/uppfoljning/", views.follow_up, name="follow_up"),
    path(
        "<int:pk>/uppfoljning/<int:follow_up_pk>/klar/",
        views.follow_up_done,
        name="follow_up_done",
    ),
    path("<int:pk>/avsluta/", views.close, name="close"),
    path("<int:pk>/export/", views.export, name="export"),
    path("<int:pk>/export/pdf/", views.export_pdf, name="export_pdf"),
]
