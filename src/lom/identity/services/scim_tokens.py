"""The organisation's SCIM tokens: issued by its administrator (the raw token is shown once,
only its hash is kept) and revoked by them."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.common.audit import audit
from lom.common.errors import ConflictError, DomainError
from lom.identity.models import ScimToken, hash_secret
from lom.organisations.models import Organisation

TOKEN_NAME_MAX = 100


@transaction.atomic(durable=True)
def scim_token_issue(
    *, actor: User | None, organisation: Organisation, name: str
) -> tuple[ScimToken, str]:
    """A new token for the organisation's SCIM endpoint, and its raw value (never stored)."""
    name = name.strip()
    if not name:
        raise DomainError(_("Ange ett namn på nyckeln."), field="name")
    if len(name) > TOKEN_NAME_MAX:
        raise DomainError(
            _("Namnet får vara högst %(n)d tecken.") % {"n": TOKEN_NAME_MAX}, field="name"
        )
    raw = ScimToken.new_raw()
    token = ScimToken.objects.create(
        organisation=organisation, name=name, key_hash=hash_secret(raw), prefix=raw[5:13]
    )
    audit(
        organisation_id=organisation.pk,
        actor=actor,
        action="scim.token_issue",
        target=token,
        after={"name": name, "prefix": token.prefix},
    )
    return token, raw


@transaction.atomic(durable=True)
def scim_token_revoke(
    *, actor: User | None, organisation: Organisation, token_id: int
) -> ScimToken:
    """Revoke one of the organisation's tokens: the IdP using it is refused from now on."""
    token = ScimToken.objects.filter(organisation=organisation, pk=token_id).first()
    if token is None:
        raise DomainError(_("Nyckeln finns inte."), code="not_found")
    if token.revoked_at is not None:
        raise ConflictError(_("Nyckeln är redan återkallad."), code="revoked")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit(
        organisation_id=organisation.pk,
        actor=actor,
        action="scim.token_revoke",
        target=token,
        after={"prefix": token.prefix},
    )
    return token
