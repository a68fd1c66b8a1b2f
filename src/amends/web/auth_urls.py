"""Signing in and out, and one's own settings."""

from django.urls import path

from amends.web import oidc
from amends.web.views import auth, me

urlpatterns = [
    path("sign-in/", auth.sign_in, name="sign-in"),
    path("sign-in/code/", auth.sign_in_code, name="sign-in-code"),
    path("sign-in/provider/", oidc.Start.as_view(), name="oidc-start"),
    path("sign-in/provider/callback/", oidc.Callback.as_view(), name="oidc-callback"),
    path("sign-out/", auth.sign_out, name="sign-out"),
    path("me/", me.settings_page, name="me"),
    path("me/password/", me.change_password, name="me-password"),
    path("me/second-factor/", me.second_factor_page, name="me-second-factor"),
    path("me/second-factor/confirm/", me.confirm_second_factor, name="me-second-factor-confirm"),
    path("me/second-factor/remove/", me.remove_second_factor, name="me-second-factor-remove"),
]
