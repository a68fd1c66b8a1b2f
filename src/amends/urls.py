from django.urls import include, path, re_path

from amends.copies import views as copies
from amends.ops import views as ops
from amends.site import views

urlpatterns = [
    path("healthz", ops.healthz, name="healthz"),
    path("metrics", ops.metrics, name="metrics"),
    path("webmention", copies.webmention, name="webmention"),
    path("pingback", copies.pinged, name="pingback"),
    path("desk/", include("amends.web.urls")),
    path("api/", include("amends.api.urls")),
    path("", views.public, name="home"),
    re_path(r"^(?P<path>.+)$", views.public, name="public"),
]
