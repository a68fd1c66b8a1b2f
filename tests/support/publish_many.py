"""Publish COUNT numbered posts on ACCOUNT as USER, in one process, printing each post's id.

    python tests/support/publish_many.py ACCOUNT USER COUNT PREFIX

Each post's delivery is in the outbox once its line is printed (the action has committed).
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.settings")

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402

from amends.actions import Publish  # noqa: E402


def main(account: str, user: str, count: int, prefix: str) -> None:
    actor = User.objects.get(username=user)
    for n in range(count):
        post = Publish(actor, account=account, text=f"{prefix} {n}").run()
        print(post.pk, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])
