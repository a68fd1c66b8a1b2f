"""People and accounts, for admins."""

from django.urls import path

from amends.web.views import people

urlpatterns = [
    path("people/", people.index, name="people"),
    path("people/add/", people.add_user, name="people-add"),
    path("people/accounts/add/", people.add_account, name="accounts-add"),
    path("people/accounts/<int:account_id>/check/", people.check_account, name="accounts-check"),
    path("people/<int:user_id>/", people.person, name="person"),
    path("people/<int:user_id>/role/", people.set_role, name="person-role"),
    path("people/<int:user_id>/active/", people.set_active, name="person-active"),
    path("people/<int:user_id>/password/", people.set_password, name="person-password"),
    path(
        "people/<int:user_id>/second-factor/remove/",
        people.clear_second_factor,
        name="person-second-factor-remove",
    ),
]
