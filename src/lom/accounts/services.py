"""Writes about the user account itself."""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from lom.accounts.models import ApiToken, User
from lom.common.audit import audit
from lom.common.errors import DomainError
from lom.common.validation import fields_within


@transaction.atomic(durable=True)
def user_language_save(*, user: User, language: str) -> None:
    """The language LOM writes to the user in (mail, in-app notifications)."""
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("Okänt språk."), field="language")
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language


# --- the Django admin's writes to accounts --------------------------------------------------

USER_ADMIN_FIELDS = ("first_name", "last_name", "email", "is_active", "is_staff", "is_superuser")


def _audit_everywhere(
    *,
    user: User,
    actor: User | None,
    action: str,
    before: dict,
    after: dict,
    target: Model | None = None,
) -> None:
    """One audit row in each organisation the user holds a role in (the audit trail is kept
    per organisation; Django's admin log keeps the rest)."""
    org_ids = set(user.memberships.values_list("organisation_id", flat=True))
    for org_id in sorted(org_ids):
        audit(
            organisation_id=org_id,
            actor=actor,
            action=action,
            target=target if target is not None else user,
            before=before,
            after=after,
        )


@transaction.atomic(durable=True)
def user_create(*, actor: User | None, username: str, password: str | None) -> User:
    """A new account; `password` None makes one that signs in only through SSO."""
    username = username.strip()
    if not username:
        raise DomainError(_("Ange användarnamnet."), field="username")
    fields_within(User, {"username": username})
    if User.objects.filter(username=username).exists():
        raise DomainError(_("Användarnamnet finns redan."), field="username")
    return User.objects.create_user(username=username, password=password)


@transaction.atomic(durable=True)
def user_update(*, actor: User | None, user: User, changes: dict[str, Any]) -> User:
    """Names, e-mail, and the active, staff and superuser flags. Switching an account off
    signs it out everywhere and stops its API tokens (the session backend and the token check
    refuse inactive users), as a SCIM deactivation does."""
    unknown = set(changes) - set(USER_ADMIN_FIELDS)
    if unknown:
        raise DomainError(_("Fälten kan inte ändras här: %(f)s.") % {"f": ", ".join(unknown)})
    fields_within(User, {k: v for k, v in changes.items() if isinstance(v, str)})
    user = User.objects.select_for_update().get(pk=user.pk)
    if actor is not None and actor.pk == user.pk and changes.get("is_active") is False:
        raise DomainError(_("Du kan inte stänga av ditt eget konto."), field="is_active")
    before = {f: getattr(user, f) for f in changes}
    for field, value in changes.items():
        setattr(user, field, value)
    user.save(update_fields=list(changes))
    after = {f: getattr(user, f) for f in changes}
    if before == after:
        return user
    action = "user.update"
    if "is_active" in changes and before["is_active"] != after["is_active"]:
        action = "user.activate" if user.is_active else "user.deactivate"
    _audit_everywhere(user=user, actor=actor, action=action, before=before, after=after)
    return user


@transaction.atomic(durable=True)
def user_password_set(*, actor: User | None, user: User, password: str | None) -> User:
    """Set a new password (None: password sign-in switched off). The user's other sessions end
    (Django checks the password hash in each session)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    _audit_everywhere(
        user=user,
        actor=actor,
        action="user.password_set",
        before={},
        after={"usable_password": password is not None},
    )
    return user


@transaction.atomic(durable=True)
def api_token_revoke(*, actor: User | None, token: ApiToken) -> None:
    """The token stops working at once (it is deleted; its hash cannot be used again)."""
    token = ApiToken.objects.select_related("user").get(pk=token.pk)
    _audit_everywhere(
        user=token.user,
        actor=actor,
        action="api_token.revoke",
        target=token,
        before={"name": token.name, "prefix": token.prefix},
        after={},
    )
    token.delete()
