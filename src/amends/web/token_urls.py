"""API tokens: one's own, listed, created and revoked in the browser."""

from django.urls import path

from amends.web.views import tokens

urlpatterns = [
    path("me/tokens/", tokens.index, name="tokens"),
    path("me/tokens/new/", tokens.create, name="token-create"),
    path("me/tokens/<int:token_id>/revoke/", tokens.revoke, name="token-revoke"),
]
