"""The demo's log-ins: one password for all of them (listed in README), hashed once per run
(PBKDF2 per demo user would take most of the load time)."""

from functools import cache

from django.contrib.auth.hashers import make_password

from lom.accounts.models import User

DEMO_PASSWORD = "demo"  # noqa: S105 - demo logins, listed in README


@cache
def demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)


def demo_user(username: str, first: str, last: str, *, email: str = "") -> User:
    """The demo user `username`, created with the demo password when it is not there yet."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": email or f"{username}@example.org",
        },
    )
    if created:
        user.password = demo_password_hash()
        user.save(update_fields=["password"])
    return user
