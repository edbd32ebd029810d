"""The demo's log-ins: one password for all of them (listed in README), hashed once per run
(PBKDF2 per demo user would take most of the load time)."""

from functools import cache

from django.contrib.auth.hashers import make_password

from lom.accounts.models import User

DEMO_PASSWORD = "demo"  # noqa: S105 - demo logins, listed in README

# Employee numbers the local test identity providers send (devidp/users.json), by e-mail.
DEMO_EMPLOYEE_NUMBERS = {
    "tillsynsverket": {"anstalld5@example.org": "TV-0005"},
    "region-norrsund": {"region-anstalld5@example.org": "TV-0005"},
}


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
