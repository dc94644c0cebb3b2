from django.urls import path

from . import admin_views as views

app_name = "user_admin"
urlpatterns = [
    path("anvandare/", views.user_list, name="users"),
    path("anvandare/bjud-in/", views.user_invite, name="invite"),
    path("anvandare/<int:pk>/roll/", views.user_role, name="role"),
    path("anvandare/<int:pk>/inaktivera/", views.user_deactivate, name="deactivate"),
    path("anvandare/<int:pk>/aktivera/", views.user_reactivate, name="reactivate"),
    path("organisationer/", views.organisation_list, name="organisations"),
    path("organisationer/ny/", views.organisation_create, name="organisation_create"),
    path("organisationer/lagg-till/", views.organisation_join, name="organisation_join"),
    path("organisationer/enhet/", views.unit_create, name="unit_create"),
]
