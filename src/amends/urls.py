from django.urls import path

from amends.site import views

urlpatterns = [
    path("", views.home, name="home"),
    path(".well-known/amends/checkpoint", views.checkpoint, name="checkpoint"),
    path(".well-known/amends/key", views.key, name="key"),
]
