app_name = "agreement"
urlpatterns = []
