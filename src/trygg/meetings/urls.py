from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("serie/", views.series, name="series"),
    path("serie/installningar/", views.series_edit, name="series_edit"),
    path("serie/ny-adress/", views.series_token, name="series_token"),
    path("kalender/<str:token>.ics", views.feed, name="feed"),
    path("ny/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/dagordning/", views.agenda_build, name="agenda_build"),
    path("<int:pk>/ny-punkt/", views.item_add, name="item_add"),
    path("<int:pk>/narvaro/", views.attendance, name="attendance"),
    path("<int:pk>/anteckningar/", views.notes, name="notes"),
    path("<int:pk>/beslut/", views.decision, name="decision"),
    path("<int:pk>/fokus/", views.focus, name="focus"),
    path("<int:pk>/justera/", views.approve, name="approve"),
    path("<int:pk>/protokoll/", views.minutes, name="minutes"),
    path("<int:pk>/protokoll/version-<int:number>.pdf", views.minutes_pdf, name="minutes_pdf"),
]
