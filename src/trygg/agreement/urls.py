from django.urls import path

from . import views

app_name = "agreement"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("ny/", views.agreement_form, name="agreement_create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/andra/", views.agreement_form, name="agreement_edit"),
    path("<int:agreement_pk>/omrade/nytt/", views.priority_form, name="priority_create"),
    path("omrade/<int:pk>/andra/", views.priority_form, name="priority_edit"),
    path("omrade/<int:priority_pk>/mal/nytt/", views.goal_form, name="goal_create"),
    path("mal/<int:pk>/andra/", views.goal_form, name="goal_edit"),
    path("mal/<int:goal_pk>/indikator/ny/", views.indicator_form, name="indicator_create"),
    path("indikator/<int:pk>/", views.indicator, name="indicator"),
    path("indikator/<int:pk>/andra/", views.indicator_form, name="indicator_edit"),
    path("<int:agreement_pk>/atagande/nytt/", views.commitment_form, name="commitment_create"),
    path("atagande/<int:pk>/andra/", views.commitment_form, name="commitment_edit"),
    path("atagande/<int:pk>/uppfoljning/", views.commitment_note, name="commitment_note"),
    path("<int:agreement_pk>/medborgarlofte/nytt/", views.promise_form, name="promise_create"),
    path("medborgarlofte/<int:pk>/andra/", views.promise_form, name="promise_edit"),
    path("medborgarlofte/<int:pk>/uppfoljning/", views.promise_note, name="promise_note"),
    path("folkmangd/", views.population, name="population"),
    path("folkmangd/import/", views.population_import, name="population_import"),
    path("arsuppfoljning/<int:year>/", views.annual_report, name="annual"),
    path("arsuppfoljning/<int:year>.pdf", views.annual_pdf, name="annual_pdf"),
    path("arsuppfoljning/<int:year>/texter/", views.annual_texts, name="annual_texts"),
    path("arsuppfoljning/<int:year>/faststall/", views.annual_approve, name="annual_approve"),
    path("arsuppfoljning/<int:year>/oppna/", views.annual_reopen, name="annual_reopen"),
]
