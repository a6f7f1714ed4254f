"""The app's URL map plus ``/bench/minimal/``: the least a Django page can do here (the same
middleware, one indexed query, a tiny response), so that the load test can say what the app's
pages cost next to what this machine can serve at all. Never part of the app's own URLs."""

from django.http import HttpResponse
from django.urls import include, path

from residents.models import House


def minimal(request):
    """A house's name by its slug: one query on the slug's unique index."""
    house = House.objects.only("name").get(slug=request.GET.get("slug", "bench-01"))
    return HttpResponse(house.name, content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("bench/minimal/", minimal, name="bench_minimal"),
    path("", include("soberhouse.urls")),
]
