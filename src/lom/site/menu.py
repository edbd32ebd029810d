"""The main menu: which pages each actor sees, grouped so that the header stays short.

Visibility lives here, in one place, rather than in template conditions; a page still checks
its own permissions (the menu only decides what is worth showing)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lom.organisations.access import Actor

STAFF = ("coordinator", "decision_maker", "auditor", "org_admin", "union_rep")
FUND_KINDS = ("fund", "region", "municipality")


@dataclass(frozen=True)
class Item:
    label: str
    url_name: str
    visible: Callable[[Actor], bool]


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class Group:
    label: str
    links: list[Link]

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)


def _roles(*roles: str) -> Callable[[Actor], bool]:
    return lambda a: a.has(*roles)


def _everyone(a: Actor) -> bool:
    return True


def _not_fund(a: Actor) -> bool:
    return a.organisation.kind != "fund"


def _employer_staff(a: Actor) -> bool:
    return _not_fund(a) and a.has(*STAFF)


MENU: list[tuple[str | None, list[Item]]] = [
    (
        None,
        [
            Item(_("Vad kan medlen användas till?"), "information", _not_fund),
            Item(_("Ärenden"), "cases:list", _not_fund),
        ],
    ),
    (
        _("Pengar och beslut"),
        [
            Item(_("Fonden"), "funds:overview", _employer_staff),
            Item(
                _("Omställningsfonden"),
                "fundmode:index",
                lambda a: a.organisation.kind in FUND_KINDS and a.has("fund_officer", *STAFF),
            ),
            Item(
                _("Sammanträden"),
                "decisions:meetings",
                _roles("coordinator", "decision_maker", "union_rep", "auditor"),
            ),
            Item(
                _("Invändningar"),
                "decisions:objections",
                _roles("coordinator", "decision_maker", "union_rep", "auditor"),
            ),
            Item(_("Omgångar"), "decisions:rounds", _not_fund),
            Item(_("Diarium"), "diarium:register", _roles("fund_officer", *STAFF)),
        ],
    ),
    (
        _("Planera och följa upp"),
        [
            Item(_("Planera"), "planning:index", _not_fund),
            Item(_("Översikt och uppföljning"), "reports:dashboard", _roles(*STAFF)),
            Item(
                _("Uppföljning"),
                "followup:list",
                _roles("coordinator", "decision_maker", "auditor", "org_admin"),
            ),
            Item(_("Jämförelse"), "sector:benchmark", _employer_staff),
        ],
    ),
    (
        _("Lära av andra"),
        [
            Item(_("Insatsbiblioteket"), "library:index", _everyone),
            Item(_("Evenemang"), "events:list", _everyone),
            Item(_("Nå alla medarbetare"), "outreach:index", _employer_staff),
            Item(_("Kampanjer"), "levers:campaigns", _employer_staff),
        ],
    ),
    (
        _("För mig"),
        [
            Item(_("Enkäter"), "followup:my_surveys", lambda a: a.employee_id is not None),
            Item(
                _("Stöd och vägledning"),
                "support:index",
                lambda a: (
                    a.employee_id is not None
                    or a.has("coach", "coordinator", "auditor", "fund_officer")
                ),
            ),
        ],
    ),
    (
        _("Organisation"),
        [
            Item(_("Lokalt avtal"), "agreements:list", _not_fund),
            Item(_("Administration"), "organisations:employees", _roles("org_admin")),
            Item(_("Inloggning (SSO)"), "identity:config", _roles("org_admin")),
            Item(_("Personuppgifter"), "privacy:index", _roles("org_admin", "auditor")),
        ],
    ),
]


def _is_current(url: str, path: str) -> bool:
    return path == url or (url != "/" and path.startswith(url))


def main_menu(actor: Actor, path: str) -> list[Link | Group]:
    """Top-level links and groups for `actor`; a group with one visible page becomes a link."""
    out: list[Link | Group] = []
    for label, items in MENU:
        links = []
        for item in items:
            if item.visible(actor):
                url = reverse(item.url_name)
                links.append(Link(item.label, url, _is_current(url, path)))
        if label is None or len(links) == 1:
            out.extend(links)
        elif links:
            out.append(Group(label, links))
    return out
