from django.urls import include, path, re_path

from amends.site import views

urlpatterns = [
    path("desk/", include("amends.web.urls")),
    path("api/", include("amends.api.urls")),
    path("", views.public, name="home"),
    re_path(r"^(?P<path>.+)$", views.public, name="public"),
]
