app_name = "calendars-api"
urlpatterns: list = []
