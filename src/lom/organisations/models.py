from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        AGENCY = "agency", _("Statlig myndighet")
        REGION = "region", _("Region")
        MUNICIPALITY = "municipality", _("Kommun")
        FUND = "fund", _("Fond")

    name = models.CharField(_("namn"), max_length=200)
    slug = models.SlugField(unique=True)
    org_number = models.CharField(_("organisationsnummer"), max_length=20, blank=True)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.AGENCY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A unit in the organisation tree. `path` ('/3/17/42/') makes subtree reads one indexed
    prefix query instead of a recursive walk."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("överordnad enhet"),
    )
    name = models.CharField(_("namn"), max_length=200)
    code = models.CharField(_("kod"), max_length=40, blank=True)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    # The unit's manager as the HR system names them (staff register import). Their user, once
    # linked, holds the manager role for the unit's subtree (a Membership of source "register").
    manager = models.ForeignKey(
        "Employee",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_units",
        verbose_name=_("chef"),
    )

    class Meta:
        ordering = ["path"]
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        indexes = [
            models.Index(fields=["organisation", "path"]),
            models.Index(fields=["organisation", "code"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)


class Union(models.Model):
    """A local union party (e.g. Saco-S, ST, Seko, Kommunal, Vision)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="unions")
    name = models.CharField(_("namn"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("fackförbund")
        verbose_name_plural = _("fackförbund")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="union_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Employee(models.Model):
    """Employment data used for eligibility and, later, fairness statistics.
    No personal identity number: birth year and gender are enough."""

    class Gender(models.TextChoices):
        WOMAN = "F", _("Kvinna")
        MAN = "M", _("Man")
        OTHER = "X", _("Annat / vill inte uppge")

    class EmploymentForm(models.TextChoices):
        PERMANENT = "permanent", _("Tillsvidare")
        FIXED_TERM = "fixed_term", _("Visstid")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="employees"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="employees", verbose_name=_("enhet")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee",
        verbose_name=_("användarkonto"),
    )
    employee_number = models.CharField(
        _("anställningsnummer"), max_length=40, blank=True, db_index=True
    )
    # Keyed hash (HMAC with a server secret) of the personal identity number, to link an e-ID
    # login to this record. The number itself is never stored.
    identity_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    email = models.EmailField(_("e-post"), blank=True)
    occupational_group = models.CharField(_("yrkesgrupp"), max_length=100, blank=True)
    # Swedish standard classification of occupations (SSYK 2012), up to four digits.
    ssyk = models.CharField(_("yrkeskod (SSYK)"), max_length=4, blank=True)
    employment_start = models.DateField(_("anställd sedan"))
    employment_end = models.DateField(_("anställd till"), null=True, blank=True)
    employment_rate = models.DecimalField(
        _("sysselsättningsgrad (procent)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    employment_form = models.CharField(
        _("anställningsform"),
        max_length=20,
        choices=EmploymentForm.choices,
        default=EmploymentForm.PERMANENT,
    )
    birth_year = models.PositiveSmallIntegerField(_("födelseår"))
    gender = models.CharField(_("kön"), max_length=1, choices=Gender.choices)
    active = models.BooleanField(_("aktiv"), default=True)
    # Set when a full staff register import no longer lists the employee (never deleted).
    left_at = models.DateTimeField(_("utgick ur personalregistret"), null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("medarbetare")
        verbose_name_plural = _("medarbetare")
        indexes = [
            models.Index(fields=["organisation", "unit"]),
            models.Index(fields=["organisation", "employee_number"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(employment_rate__isnull=True)
                | models.Q(employment_rate__gte=0, employment_rate__lte=100),
                name="employee_rate_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Role(models.TextChoices):
    EMPLOYEE = "employee", _("Medarbetare")
    MANAGER = "manager", _("Chef")
    COORDINATOR = "coordinator", _("Samordnare")
    UNION_REP = "union_rep", _("Facklig företrädare")
    DECISION_MAKER = "decision_maker", _("Beslutsfattare")
    AUDITOR = "auditor", _("Revisor")
    ORG_ADMIN = "org_admin", _("Administratör")
    # In an organisation of kind FUND: assesses notifications and claims from member employers.
    FUND_OFFICER = "fund_officer", _("Fondhandläggare")
    # Career and study counsellor who offers sessions to employees.
    COACH = "coach", _("Vägledare")


class Membership(models.Model):
    """One role of one user in one organisation. A manager's membership names the unit
    (its subtree is theirs); a union representative's names the union."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("enhet")
    )
    union = models.ForeignKey(
        Union, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("fackförbund")
    )
    # "idp": given by the identity provider's groups (SSO login or SCIM) and replaced at the
    # next sync; "register": a unit's manager as the staff register names them, replaced at the
    # next register import; "manual": granted by an administrator, never touched by a sync.
    source = models.CharField(max_length=8, default="manual", editable=False)

    class Meta:
        verbose_name = _("roll i organisation")
        verbose_name_plural = _("roller i organisation")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role", "unit"],
                name="membership_unique",
            )
        ]
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"
