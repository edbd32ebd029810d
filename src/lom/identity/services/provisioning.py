"""Just-in-time accounts: the first SSO sign-in creates the user, links the employee record
and gives the roles the IdP's groups map to; later sign-ins bring the roles up to date.

Everything happens in one transaction: a sign-in refused for lack of a role, or for any other
reason, leaves no user, link or role behind. The refusal itself is recorded by
`sso_refusal_record`, in a transaction of its own, so the audit trail survives the rollback."""

import hashlib
import hmac
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.common.audit import audit
from lom.common.errors import DomainError
from lom.identity.models import ExternalIdentity, ManagedAccount, SsoConfig
from lom.identity.selectors.groups import scim_groups_of
from lom.organisations.models import Employee, Membership, Organisation, Role, Unit

IDP_SOURCE = "idp"
# Groups of one sign-in kept on its link (an IdP may send hundreds; mappings name a few).
MAX_KEPT_GROUPS = 500
# The roles a group mapping may give; a grant by hand is never removed by a sync.
ROLE_KEY = tuple[str, int | None, int | None]  # (role, unit id, union id)


class NoRoleError(DomainError):
    """The identity provider vouched for the person, but none of their groups gives a role."""

    def __init__(self, message):
        super().__init__(message, code="no_role")


@dataclass(frozen=True)
class IdentityClaims:
    """What a verified assertion or ID token says about the person, in LOM's terms."""

    protocol: str
    issuer: str
    subject: str
    email: str = ""
    employee_number: str = ""
    given_name: str = ""
    family_name: str = ""
    groups: tuple[str, ...] = field(default=())
    # Sweden Connect's personalIdentityNumber: hashed at once, never stored or logged.
    personal_number: str = field(default="", repr=False)


def identity_hash(personal_number: str) -> str:  # pure: keyed hash of a personal number
    digits = re.sub(r"\D", "", personal_number)
    if not digits:
        return ""
    key = settings.LOM_IDENTITY_HASH_KEY.encode()
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()


def _find_employee(organisation: Organisation, claims: IdentityClaims, id_hash: str):
    """The employee record: by identity hash, else employee number, else e-mail."""
    employees = Employee.objects.filter(organisation=organisation)
    if id_hash:
        found = employees.filter(identity_hash=id_hash).first()
        if found:
            return found
    if claims.employee_number:
        found = employees.filter(employee_number=claims.employee_number).first()
        if found:
            return found
    if claims.email:
        return employees.filter(email__iexact=claims.email).order_by("-active", "pk").first()
    return None


def desired_roles(
    *, config: SsoConfig, groups: set[str], has_employee_record: bool
) -> set[ROLE_KEY]:  # pure: the roles the groups map to
    wanted: set[ROLE_KEY] = {
        (m.role, m.unit_id, m.union_id) for m in config.role_mappings.all() if m.group in groups
    }
    if has_employee_record and config.employee_role_from_register:
        wanted.add((Role.EMPLOYEE, None, None))
    return wanted


def _sync_roles(
    *, organisation: Organisation, user: User, wanted: set[ROLE_KEY]
) -> dict[str, list[str]]:  # step: replace the IdP-given roles of one user
    current = {
        (m.role, m.unit_id, m.union_id): m
        for m in Membership.objects.filter(organisation=organisation, user=user, source=IDP_SOURCE)
    }
    manual = set(
        Membership.objects.filter(organisation=organisation, user=user)
        .exclude(source=IDP_SOURCE)
        .values_list("role", "unit_id", "union_id")
    )
    removed = [key for key in current if key not in wanted]
    added = [key for key in wanted if key not in current and key not in manual]
    if removed:
        Membership.objects.filter(pk__in=[current[k].pk for k in removed]).delete()
    for role, unit_id, union_id in added:
        Membership.objects.create(
            organisation=organisation,
            user=user,
            role=role,
            unit_id=unit_id,
            union_id=union_id,
            source=IDP_SOURCE,
        )
    return {"added": sorted(k[0] for k in added), "removed": sorted(k[0] for k in removed)}


def _grant_register_manager_roles(
    organisation: Organisation, user: User, employee: Employee
) -> None:  # step: the units the staff register names this employee manager of
    if not employee.active:
        return
    held = set(
        Membership.objects.filter(
            organisation=organisation, user=user, role=Role.MANAGER
        ).values_list("unit_id", flat=True)
    )
    units = Unit.objects.filter(organisation=organisation, manager=employee).values_list(
        "pk", flat=True
    )
    Membership.objects.bulk_create(
        Membership(
            organisation=organisation, user=user, role=Role.MANAGER, unit_id=pk, source="register"
        )
        for pk in units
        if pk not in held
    )


def _new_username(organisation: Organisation, claims: IdentityClaims) -> str:
    if claims.email and not User.objects.filter(username__iexact=claims.email).exists():
        return claims.email[:150]
    digest = hashlib.sha256(f"{claims.protocol}:{claims.subject}".encode()).hexdigest()[:12]
    return f"{organisation.slug[:100]}-{digest}"


@transaction.atomic(durable=True)
def sso_sign_in(*, organisation: Organisation, claims: IdentityClaims) -> User:
    """The user a verified sign-in belongs to, created and given roles on first use."""
    return _do_sso_sign_in(organisation=organisation, claims=claims)


def _do_sso_sign_in(*, organisation: Organisation, claims: IdentityClaims) -> User:
    """`sso_sign_in` inside the caller's transaction (a protocol's sign-in service composes it
    with its own records, e.g. the replay guard)."""
    config = SsoConfig.objects.filter(organisation=organisation, enabled=True).first()
    if config is None:
        raise DomainError(_("Organisationen har ingen inloggning via IdP."), code="no_config")
    if not claims.subject:
        raise DomainError(_("Inloggningen saknade en identitet (subject)."), code="no_subject")
    id_hash = identity_hash(claims.personal_number)
    link = (
        ExternalIdentity.objects.select_related("user")
        .filter(organisation=organisation, protocol=claims.protocol, subject=claims.subject)
        .first()
    )
    employee = _find_employee(organisation, claims, id_hash)
    user: User | None = link.user if link else (employee.user if employee else None)
    if user is not None and not user.is_active:
        raise DomainError(
            _("Ditt konto är avstängt. Kontakta din organisations administratör."),
            code="inactive",
        )
    groups = set(claims.groups)
    if user is not None:
        groups |= scim_groups_of(organisation=organisation, user=user)
    wanted = desired_roles(config=config, groups=groups, has_employee_record=employee is not None)
    if not wanted:
        raise NoRoleError(
            _(
                "Du är inloggad hos %(org)s, men ingen av dina grupper ger en roll i LOM. "
                "Kontakta din organisations administratör för LOM."
            )
            % {"org": organisation.name}
        )
    created = user is None
    if user is None:
        user = User.objects.create(
            username=_new_username(organisation, claims),
            email=claims.email[:254],
            first_name=claims.given_name[:150],
            last_name=claims.family_name[:150],
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        ManagedAccount.objects.create(
            user=user,
            organisation=organisation,
            source=ManagedAccount.Source.SSO,
            employee_number=claims.employee_number[:40],
        )
    else:
        changed = {
            k: v[:150]
            for k, v in {"first_name": claims.given_name, "last_name": claims.family_name}.items()
            if v and getattr(user, k) != v[:150]
        }
        if claims.email and user.email != claims.email[:254]:
            changed["email"] = claims.email[:254]
        if changed:
            User.objects.filter(pk=user.pk).update(**changed)
            for k, v in changed.items():
                setattr(user, k, v)
    now = timezone.now()
    if link is None:
        link = ExternalIdentity.objects.create(
            organisation=organisation,
            user=user,
            protocol=claims.protocol,
            subject=claims.subject[:1000],
            identity_hash=id_hash,
            groups=sorted(g[:255] for g in claims.groups)[:MAX_KEPT_GROUPS],
            last_login_at=now,
        )
    else:
        link.last_login_at = now
        link.groups = sorted(g[:255] for g in claims.groups)[:MAX_KEPT_GROUPS]
        if id_hash and link.identity_hash != id_hash:
            link.identity_hash = id_hash
        link.save(update_fields=["last_login_at", "identity_hash", "groups"])
    if (
        employee is not None
        and employee.user_id is None
        and not Employee.objects.filter(user=user).exists()
    ):
        Employee.objects.filter(pk=employee.pk, user__isnull=True).update(user=user)
        _grant_register_manager_roles(organisation, user, employee)
    changes = _sync_roles(organisation=organisation, user=user, wanted=wanted)
    audit(
        organisation_id=organisation.pk,
        actor=user,
        action="sso.account_create" if created else "sso.login",
        target=user,
        after={"protocol": claims.protocol, "employee": employee.pk if employee else None}
        | changes,
    )
    return user


@transaction.atomic(durable=True)
def sso_refusal_record(
    *, organisation: Organisation, protocol: str, reason: str, detail: str = ""
) -> None:
    """Audit a refused sign-in (bad signature, wrong audience, replay, no role…)."""
    audit(
        organisation_id=organisation.pk,
        actor=None,
        action="sso.refused",
        target=organisation,
        after={"protocol": protocol, "reason": reason[:60]},
        note=detail[:1000],
    )
