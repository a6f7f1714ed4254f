"""The app's URLs and two views that fail, for the error pages."""

from django.db import connection
from django.urls import path

from soberhouse.urls import urlpatterns as app_urlpatterns


def _fails(request):
    raise RuntimeError("a bug")


def _asks_the_database(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    raise AssertionError("the database answered")


urlpatterns = [
    path("boom/", _fails),
    path("asks-the-database/", _asks_the_database),
    *app_urlpatterns,
]
