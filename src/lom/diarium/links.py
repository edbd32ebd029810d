"""Where a registered document is read in LOM: ONE table from what the document is
(`target_type`, "<app_label>.<model>") to the name of the page that shows it. The register is
below the packages whose documents it holds, so it names their pages by URL name and never
imports them. A case's documents without a page of their own open the case."""

from django.urls import NoReverseMatch, reverse

from lom.diarium.models import RegisteredDocument

# target_type → URL name taking the target's id.
TARGET_PAGES: dict[str, str] = {
    "decisions.meeting": "decisions:meeting",
    "decisions.objection": "decisions:objection",
    "fundmode.measurenotification": "fundmode:notification",
    "fundmode.claim": "fundmode:claim",
    "cases.case": "cases:detail",
}
# Documents whose page is a list rather than the document itself.
LIST_PAGES: dict[str, str] = {
    "agreements.agreementversion": "agreements:list",
    "agreements.localagreement": "agreements:list",
}
CASE_PAGE = "cases:detail"


def document_link(doc: RegisteredDocument) -> str:
    """The path of the page that shows the document, or "" when LOM has none."""
    try:
        if doc.target_type in TARGET_PAGES:
            return reverse(TARGET_PAGES[doc.target_type], args=[doc.target_id])
        if doc.case_id:
            return reverse(CASE_PAGE, args=[doc.case_id])
        if doc.target_type in LIST_PAGES:
            return reverse(LIST_PAGES[doc.target_type])
    except NoReverseMatch:
        return ""
    return ""
