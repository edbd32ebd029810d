"""The accessibility statement (DIGG's template for the statement under the Swedish act on
accessibility of digital public services): what the page shows, and who its feedback reaches
(the write, `accessibility_feedback_send`, is in `lom.operations.services`)."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

from lom.accounts.models import User
from lom.operations.models import AccessibilityIssue, AccessibilityStatement
from lom.organisations.models import Organisation, Role

# The supervisory authority (tillsynsmyndighet) and its form for reports.
DIGG_NAME = _("Myndigheten för digital förvaltning (DIGG)")
DIGG_URL = "https://www.digg.se/tdosanmalan"

# Until the platform administrator keeps a statement of their own in the admin.
DEFAULT_DATE = date(2026, 12, 1)
DEFAULT_METHOD = _(
    "Självskattning: automatiska tester med axe-core på varje sida i tjänstens testsvit, "
    "manuell granskning med tangentbord, skärmläsare (NVDA, VoiceOver) och förstoring till "
    "400 procent, och kontroll av att PDF-dokumenten är taggade (PDF/UA)."
)
DEFAULT_ISSUES = (
    (
        _("Bilagor som användare laddar upp"),
        _(
            "Intyg, offerter och andra filer som användare laddar upp kan sakna taggar, "
            "rubriker och alternativtext. Tjänsten visar dem som de är."
        ),
        AccessibilityIssue.Reason.OUT_OF_SCOPE,
    ),
)

FEEDBACK_MESSAGE_MAX = 2_000
FEEDBACK_NAME_MAX = 100
FEEDBACK_PAGE_MAX = 200
# Feedback from one address: at most this many messages per hour.
FEEDBACK_PER_HOUR = 5
FEEDBACK_NOTIFICATION_KIND = "accessibility"


@dataclass(frozen=True)
class Issue:
    title: str
    description: str
    reason: str


@dataclass(frozen=True)
class Statement:
    compliance: str
    compliance_label: str
    assessment_method: str
    assessed_on: date
    published_on: date
    reviewed_on: date
    contact_email: str
    issues: list[Issue] = field(default_factory=list)
    enforcement_name: str = ""
    enforcement_url: str = DIGG_URL


def accessibility_statement() -> Statement:
    """The installation's statement: the row the platform administrator keeps, or the
    defaults."""
    # tenant-scope: one statement for the whole installation, no organisation's data
    row = AccessibilityStatement.objects.prefetch_related("issues").order_by("id").first()
    if row is None:
        return Statement(
            compliance=AccessibilityStatement.Compliance.PARTIAL,
            compliance_label=str(AccessibilityStatement.Compliance.PARTIAL.label),
            assessment_method=str(DEFAULT_METHOD),
            assessed_on=DEFAULT_DATE,
            published_on=DEFAULT_DATE,
            reviewed_on=DEFAULT_DATE,
            contact_email="",
            issues=[
                Issue(str(t), str(d), str(AccessibilityIssue.Reason(r).label))
                for t, d, r in DEFAULT_ISSUES
            ],
            enforcement_name=str(DIGG_NAME),
        )
    return Statement(
        compliance=row.compliance,
        compliance_label=str(row.get_compliance_display()),
        assessment_method=row.assessment_method,
        assessed_on=row.assessed_on,
        published_on=row.published_on,
        reviewed_on=row.reviewed_on,
        contact_email=row.contact_email,
        issues=[
            Issue(i.title, i.description, str(i.get_reason_display())) for i in row.issues.all()
        ],
        enforcement_name=str(DIGG_NAME),
    )


def feedback_organisation(*, organisation_id: int | None, slug: str) -> Organisation | None:
    """The organisation the feedback concerns: the signed-in user's, else the one whose public
    page the visitor came from (its slug), else none (the installation's)."""
    if organisation_id is not None:
        return Organisation.objects.filter(pk=organisation_id).first()
    if not slug or len(slug) > 50:
        return None
    # tenant-scope: a public page names its organisation by slug; only its name is shown
    return Organisation.objects.filter(slug=slug).first()


def feedback_recipients(organisation: Organisation | None) -> list[User]:
    """The organisation's administrators; the installation's (superusers) when there is no
    organisation or it has none."""
    if organisation is not None:
        admins = list(
            User.objects.filter(
                memberships__organisation=organisation,
                memberships__role=Role.ORG_ADMIN,
                is_active=True,
            ).distinct()
        )
        if admins:
            return admins
    # tenant-scope: the installation's administrators, whatever their organisation
    return list(User.objects.filter(is_superuser=True, is_active=True).order_by("id"))
