"""SCIM 2.0 provisioning: the identity provider creates, changes and deactivates the accounts of
its organisation, and its groups give roles through the organisation's group → role mappings.

One request = one service = one durable transaction; every change and every refusal is
audited. A user deactivated here (`active=false` or DELETE) is refused by the session backend
on their very next request and by the API's token check, until they are activated again."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.common.audit import audit
from lom.identity.models import ManagedAccount, ScimGroup, ScimToken, SsoConfig
from lom.identity.selectors.groups import idp_groups_of
from lom.identity.selectors.scim import managed_user_ids
from lom.identity.services.provisioning import (
    IdentityClaims,
    _find_employee,
    _sync_roles,
    desired_roles,
)
from lom.identity.services.scim_protocol import (
    GroupInput,
    PatchOp,
    ScimError,
    UserInput,
    group_patched,
    invalid,
    user_patched,
)
from lom.organisations.models import Employee, Organisation

TOUCH_EVERY_SECONDS = 300


def account_state(*, account: ManagedAccount) -> UserInput:  # pure: the account as SCIM input
    user = account.user
    return UserInput(
        user_name=user.username,
        given_name=user.first_name,
        family_name=user.last_name,
        email=user.email,
        active=user.is_active,
        external_id=account.external_id,
        employee_number=account.employee_number,
    )


def group_state(*, group: ScimGroup) -> GroupInput:  # pure: the group as SCIM input
    return GroupInput(
        display_name=group.display_name,
        external_id=group.external_id,
        member_ids=tuple(group.members.order_by("pk").values_list("pk", flat=True)),
    )


def _audit(organisation: Organisation, token: ScimToken, action: str, target, after=None):
    audit(
        organisation_id=organisation.pk,
        actor=None,
        action=action,
        target=target,
        after=after or {},
        note=f"SCIM {token.name} ({token.prefix}…)",
    )


def _touch(token: ScimToken) -> None:
    ScimToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())


def _sync_users(organisation: Organisation, user_ids: set[int]) -> dict[str, dict]:
    """Bring the IdP-given roles of these users in line with their SCIM groups (and the
    employee register). Without an SsoConfig there are no mappings: no role is touched."""
    config = SsoConfig.objects.filter(organisation=organisation).first()
    if config is None or not user_ids:
        return {}
    out = {}
    for user in User.objects.filter(pk__in=user_ids).order_by("pk"):
        groups = idp_groups_of(organisation=organisation, user=user)
        has_record = Employee.objects.filter(organisation=organisation, user=user).exists()
        wanted = desired_roles(config=config, groups=groups, has_employee_record=has_record)
        changes = _sync_roles(organisation=organisation, user=user, wanted=wanted)
        if changes["added"] or changes["removed"]:
            out[user.username] = changes
    return out


def _link_employee(organisation: Organisation, user: User, data: UserInput) -> Employee | None:
    """Link the employee record (by employee number, else e-mail) when neither side has one."""
    if Employee.objects.filter(user=user).exists():
        return Employee.objects.filter(user=user).first()
    claims = IdentityClaims(
        protocol="scim",
        issuer="",
        subject="",
        email=data.email,
        employee_number=data.employee_number,
    )
    employee = _find_employee(organisation, claims, "")
    if employee is not None and employee.user_id is None:
        Employee.objects.filter(pk=employee.pk, user__isnull=True).update(user=user)
        return employee
    return None


def _refuse_taken(taken, itself, message: str, field: str) -> None:
    """409 uniqueness when another row than `itself` (None: a new one) already has the name."""
    if itself is not None:
        taken = taken.exclude(pk=itself.pk)
    if taken.exists():
        raise ScimError(409, message, scim_type="uniqueness", field=field)


def _check_user_name(user_name: str, user: User | None) -> None:
    _refuse_taken(
        User.objects.filter(username__iexact=user_name),
        user,
        _("Användarnamnet %(name)s finns redan.") % {"name": user_name},
        "userName",
    )


def _apply_user(organisation: Organisation, account: ManagedAccount, data: UserInput) -> dict:
    user = account.user
    _check_user_name(data.user_name, user)
    before = account_state(account=account)
    user.username = data.user_name
    user.first_name, user.last_name, user.email = data.given_name, data.family_name, data.email
    user.is_active = data.active
    user.save(update_fields=["username", "first_name", "last_name", "email", "is_active"])
    account.external_id, account.employee_number = data.external_id, data.employee_number
    account.save(update_fields=["external_id", "employee_number", "updated_at"])
    employee = _link_employee(organisation, user, data)
    roles = _sync_users(organisation, {user.pk})
    changed = {
        k: v for k, v in vars(data).items() if getattr(before, k) != v and k != "external_id"
    }
    return (
        {"changed": sorted(changed), "active": data.active}
        | ({"employee": employee.pk} if employee else {})
        | ({"roles": roles} if roles else {})
    )


def _adoptable(organisation: Organisation, data: UserInput) -> User | None:
    """An existing user this body describes: an account of this organisation deactivated
    before (the IdP provisions it again), or the user of the matching employee record."""
    by_name = User.objects.filter(username__iexact=data.user_name).first()
    managed = ManagedAccount.objects.filter(user=by_name).first() if by_name is not None else None
    if by_name is not None:
        ours = managed is not None and managed.organisation_id == organisation.pk
        if ours and managed is not None and (not by_name.is_active or not managed.external_id):
            return by_name
        return None  # taken: answered 409 by the caller
    claims = IdentityClaims(
        protocol="scim",
        issuer="",
        subject="",
        email=data.email,
        employee_number=data.employee_number,
    )
    employee = _find_employee(organisation, claims, "")
    if employee is None or employee.user is None:
        return None
    managed = ManagedAccount.objects.filter(user=employee.user).first()
    if managed is None or (managed.organisation_id == organisation.pk and not managed.external_id):
        return employee.user
    return None


@transaction.atomic(durable=True)
def scim_user_create(
    *, organisation: Organisation, token: ScimToken, data: UserInput
) -> ManagedAccount:
    """POST /Users: a new account (or the one of the matching employee record), its roles."""
    _touch(token)
    user = _adoptable(organisation, data)
    if user is None:
        _check_user_name(data.user_name, None)
        user = User.objects.create(username=data.user_name)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    account, _created = ManagedAccount.objects.get_or_create(
        user=user,
        defaults={"organisation": organisation, "source": ManagedAccount.Source.SCIM},
    )
    after = _apply_user(organisation, account, data)
    _audit(organisation, token, "scim.user_create", user, after | {"userName": user.username})
    return account


@transaction.atomic(durable=True)
def scim_user_replace(
    *, organisation: Organisation, token: ScimToken, account: ManagedAccount, data: UserInput
) -> ManagedAccount:
    """PUT /Users/<id>: every attribute as sent."""
    _touch(token)
    after = _apply_user(organisation, account, data)
    _audit(organisation, token, "scim.user_replace", account.user, after)
    return account


@transaction.atomic(durable=True)
def scim_user_patch(
    *,
    organisation: Organisation,
    token: ScimToken,
    account: ManagedAccount,
    operations: list[PatchOp],
) -> ManagedAccount:
    """PATCH /Users/<id>: the operations applied to the account as it is now."""
    _touch(token)
    data = user_patched(state=account_state(account=account), ops=operations)
    after = _apply_user(organisation, account, data)
    _audit(organisation, token, "scim.user_patch", account.user, after)
    return account


@transaction.atomic(durable=True)
def scim_user_deactivate(
    *, organisation: Organisation, token: ScimToken, account: ManagedAccount
) -> None:
    """DELETE /Users/<id>: the account is switched off (kept for the audit trail and cases)."""
    _touch(token)
    User.objects.filter(pk=account.user_id).update(is_active=False)
    ManagedAccount.objects.filter(pk=account.pk).update(updated_at=timezone.now())
    _audit(organisation, token, "scim.user_deactivate", account.user, {"active": False})


def _check_members(organisation: Organisation, member_ids: tuple[int, ...]) -> None:
    known = managed_user_ids(organisation=organisation, user_ids=member_ids)
    unknown = [str(m) for m in member_ids if m not in known]
    if unknown:
        raise invalid(_("Okända medlemmar: %(ids)s.") % {"ids": ", ".join(unknown[:10])}, "members")


def _check_group_name(organisation: Organisation, name: str, group: ScimGroup | None) -> None:
    _refuse_taken(
        ScimGroup.objects.filter(organisation=organisation, display_name=name),
        group if group is not None and group.pk else None,
        _("Gruppen %(name)s finns redan.") % {"name": name},
        "displayName",
    )


def _apply_group(organisation: Organisation, group: ScimGroup, data: GroupInput) -> dict:
    _check_group_name(organisation, data.display_name, group)
    _check_members(organisation, data.member_ids)
    before = set(group.members.values_list("pk", flat=True)) if group.pk else set()
    renamed = group.display_name != data.display_name
    group.display_name, group.external_id = data.display_name, data.external_id
    group.save()
    group.members.set(data.member_ids)
    after = set(data.member_ids)
    affected = (before ^ after) | (after if renamed else set())
    roles = _sync_users(organisation, affected)
    return {
        "displayName": group.display_name,
        "added": sorted(after - before),
        "removed": sorted(before - after),
    } | ({"roles": roles} if roles else {})


@transaction.atomic(durable=True)
def scim_group_create(
    *, organisation: Organisation, token: ScimToken, data: GroupInput
) -> ScimGroup:
    _touch(token)
    group = ScimGroup(organisation=organisation)
    after = _apply_group(organisation, group, data)
    _audit(organisation, token, "scim.group_create", group, after)
    return group


@transaction.atomic(durable=True)
def scim_group_replace(
    *, organisation: Organisation, token: ScimToken, group: ScimGroup, data: GroupInput
) -> ScimGroup:
    _touch(token)
    after = _apply_group(organisation, group, data)
    _audit(organisation, token, "scim.group_replace", group, after)
    return group


@transaction.atomic(durable=True)
def scim_group_patch(
    *, organisation: Organisation, token: ScimToken, group: ScimGroup, operations: list[PatchOp]
) -> ScimGroup:
    _touch(token)
    data = group_patched(state=group_state(group=group), ops=operations)
    after = _apply_group(organisation, group, data)
    _audit(organisation, token, "scim.group_patch", group, after)
    return group


@transaction.atomic(durable=True)
def scim_group_delete(*, organisation: Organisation, token: ScimToken, group: ScimGroup) -> None:
    """DELETE /Groups/<id>: its members lose the roles it gave."""
    _touch(token)
    members = set(group.members.values_list("pk", flat=True))
    _audit(organisation, token, "scim.group_delete", group, {"displayName": group.display_name})
    group.delete()
    _sync_users(organisation, members)


@transaction.atomic(durable=True)
def scim_token_touch(*, token: ScimToken) -> None:
    """A read with the token: remember when it was last used (at most every few minutes)."""
    last = token.last_used_at
    if last is None or (timezone.now() - last).total_seconds() > TOUCH_EVERY_SECONDS:
        _touch(token)


@transaction.atomic(durable=True)
def scim_refusal_record(
    *, organisation: Organisation, token: ScimToken | None, method: str, path: str, error: ScimError
) -> None:
    """Audit a refused SCIM request (nothing else is written)."""
    audit(
        organisation_id=organisation.pk,
        actor=None,
        action="scim.refused",
        target=organisation,
        after={
            "status": error.status,
            "scimType": error.scim_type,
            "method": method[:10],
            "path": path[:200],
        },
        note=(f"SCIM {token.prefix}… " if token else "") + str(error.message)[:900],
    )
