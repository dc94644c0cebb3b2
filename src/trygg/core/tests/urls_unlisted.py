"""A test-only URLconf: the real one plus a URL someone forgot to put in the access table."""

from django.http import HttpResponse
from django.urls import path

from trygg.urls import urlpatterns as real_urlpatterns


def forgotten_view(request):
    return HttpResponse("this must never be served")


urlpatterns = [path("glomd/", forgotten_view, name="forgotten_view"), *real_urlpatterns]
