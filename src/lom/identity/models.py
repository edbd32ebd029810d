"""Sign-in through an organisation's identity provider, and accounts it provisions.

One `SsoConfig` per organisation (SAML 2.0 or OpenID Connect), its group → role mappings,
the link from an IdP subject to a user, SCIM tokens, and the assertion ids already used
(replay is refused across all app servers, not just in one session)."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lom.organisations.models import Organisation, Role, Union, Unit

METADATA_XML_MAX = 200_000


class Protocol(models.TextChoices):
    SAML = "saml", "SAML 2.0"
    OIDC = "oidc", "OpenID Connect"


class SsoConfig(models.Model):
    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="sso_config"
    )
    enabled = models.BooleanField(_("inloggning via IdP på"), default=True)
    protocol = models.CharField(_("protokoll"), max_length=8, choices=Protocol.choices)
    button_label = models.CharField(
        _("text på inloggningsknappen"),
        max_length=200,
        blank=True,
        help_text=_("Tomt: organisationens namn."),
    )
    # SAML 2.0: the IdP's metadata, fetched from a URL or uploaded as XML.
    saml_metadata_url = models.URLField(_("IdP:ns metadata-URL"), max_length=1000, blank=True)
    saml_metadata_xml = models.TextField(_("IdP:ns metadata (XML)"), blank=True)
    saml_idp_entity_id = models.CharField(_("IdP:ns entity id"), max_length=1000, blank=True)
    sweden_connect = models.BooleanField(
        _("Sweden Connect (e-legitimation)"),
        default=False,
        help_text=_("Tar emot Sweden Connects attribut; personnummer sparas aldrig i klartext."),
    )
    # OpenID Connect: the issuer (discovery at <issuer>/.well-known/openid-configuration).
    oidc_issuer = models.URLField(_("OIDC-utfärdare (issuer)"), max_length=1000, blank=True)
    oidc_client_id = models.CharField(_("klient-id"), max_length=255, blank=True)
    oidc_client_secret = models.CharField(_("klienthemlighet"), max_length=500, blank=True)
    oidc_scopes = models.CharField(_("scopes"), max_length=255, default="openid email profile")
    # Which attribute (SAML) or claim (OIDC) carries what.
    attr_email = models.CharField(_("attribut för e-post"), max_length=255, default="email")
    attr_employee_number = models.CharField(
        _("attribut för anställningsnummer"), max_length=255, blank=True, default="employeeNumber"
    )
    attr_groups = models.CharField(_("attribut för grupper"), max_length=255, default="groups")
    attr_given_name = models.CharField(
        _("attribut för förnamn"), max_length=255, default="given_name"
    )
    attr_family_name = models.CharField(
        _("attribut för efternamn"), max_length=255, default="family_name"
    )
    employee_role_from_register = models.BooleanField(
        _("alla i personalregistret får rollen medarbetare"),
        default=True,
        help_text=_("Den som finns i personalregistret blir medarbetare utan gruppmappning."),
    )
    password_login_enabled = models.BooleanField(_("lösenordsinloggning tillåten"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inloggningsinställning")
        verbose_name_plural = _("inloggningsinställningar")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_protocol_display()})"

    @property
    def label(self) -> str:
        return self.button_label or self.organisation.name

    @property
    def has_client_secret(self) -> bool:
        return bool(self.oidc_client_secret)


class RoleMapping(models.Model):
    """An IdP group that gives a role (a manager's names the unit, a union rep's the union)."""

    config = models.ForeignKey(SsoConfig, on_delete=models.CASCADE, related_name="role_mappings")
    group = models.CharField(_("grupp i IdP"), max_length=255)
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("enhet")
    )
    union = models.ForeignKey(
        Union, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("fackförbund")
    )

    class Meta:
        ordering = ["group", "role"]
        verbose_name = _("gruppmappning")
        verbose_name_plural = _("gruppmappningar")
        constraints = [
            models.UniqueConstraint(
                fields=["config", "group", "role", "unit", "union"], name="rolemapping_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} → {self.get_role_display()}"


class ManagedAccount(models.Model):
    """A user whose account belongs to an organisation's identity provider (created by the
    first SSO login or by SCIM). Only that organisation's SCIM token may see or change it."""

    class Source(models.TextChoices):
        SSO = "sso", _("Första inloggningen")
        SCIM = "scim", _("SCIM")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="managed_account"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="managed_accounts"
    )
    source = models.CharField(max_length=8, choices=Source.choices)
    external_id = models.CharField(max_length=255, blank=True)
    employee_number = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "external_id"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class ScimGroup(models.Model):
    """A group pushed by the IdP over SCIM. Its members get the roles its display name maps
    to in the organisation's SsoConfig."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="scim_groups"
    )
    display_name = models.CharField(max_length=255)
    external_id = models.CharField(max_length=255, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "display_name"], name="scimgroup_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.display_name


class ExternalIdentity(models.Model):
    """The IdP's subject (SAML NameID, OIDC `sub`) for a user. A personal identity number is
    never stored: only a keyed hash of it (HMAC with a server secret)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    protocol = models.CharField(max_length=8, choices=Protocol.choices)
    subject = models.CharField(max_length=1000)
    identity_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # The groups the last sign-in carried: a SCIM group change between two sign-ins keeps the
    # roles they give (roles = mappings of SCIM groups ∪ these).
    groups = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "protocol", "subject"], name="external_identity_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.protocol}:{self.subject}"


class SeenAssertion(models.Model):
    """An assertion (SAML) or ID token (OIDC) already accepted, kept until it expires."""

    protocol = models.CharField(max_length=8, choices=Protocol.choices)
    key = models.CharField(max_length=255)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["protocol", "key"], name="seen_assertion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.protocol}:{self.key}"


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ScimToken(models.Model):
    """A bearer token for one organisation's SCIM endpoint. Only the hash is stored."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="scim_tokens"
    )
    name = models.CharField(_("namn"), max_length=100, default="scim")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SCIM-nyckel")
        verbose_name_plural = _("SCIM-nycklar")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.prefix}…)"

    @staticmethod
    def new_raw() -> str:
        return "scim_" + secrets.token_urlsafe(32)
