from django.urls import path, re_path

from amends.site import views

urlpatterns = [
    path("", views.public, name="home"),
    re_path(r"^(?P<path>.+)$", views.public, name="public"),
]
