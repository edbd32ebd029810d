"""The data-subject export as a person reads it: the export's codes (a case's status, a
decision's outcome, a role, a read's channel…) replaced by their labels in the active language,
and stored system messages rendered from their code. The JSON export keeps the codes (stable,
machine-readable); only the PDF shows this copy."""

import copy
from collections.abc import Iterable
from typing import Any

from django.db import models

from lom.cases.models import Case, CostLine, Decision
from lom.common.messages import render_or
from lom.common.models import ReadLog
from lom.events.models import Participant, Registration
from lom.followup.models import FollowUp, ParticipantOutcome
from lom.mail.models import OutboundMail
from lom.organisations.models import Employee, Membership
from lom.privacy.classes import BY_CODE
from lom.support.models import Booking, Slot, SupportApplication


def label(model: type[models.Model], field: str, value: Any) -> str:
    """The field's choice label for `value` in the active language; the value itself when it
    is not one of the choices (an older code), "–" when empty."""
    if value in (None, ""):
        return "–"
    choices = dict(model._meta.get_field(field).flatchoices)
    return str(choices.get(value, value))


def _each(rows: Iterable[dict[str, Any]] | None) -> Iterable[dict[str, Any]]:
    return rows or []


def readable(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of the export with labels for codes (see the module's docstring)."""
    d = copy.deepcopy(data)
    e = d.get("employee") or {}
    if e:
        e["employment_form"] = label(Employee, "employment_form", e.get("employment_form"))
        e["gender"] = label(Employee, "gender", e.get("gender"))
    for r in _each((d.get("user_account") or {}).get("roles")):
        r["role"] = label(Membership, "role", r.get("role"))
    for c in _each(d.get("cases")):
        c["status"] = label(Case, "status", c.get("status"))
        for line in _each(c.get("cost_lines")):
            line["kind"] = label(CostLine, "kind", line.get("kind"))
        for x in _each(c.get("decisions")):
            x["outcome"] = label(Decision, "outcome", x.get("outcome"))
        for f in _each(c.get("followups")):
            f["kind"] = label(FollowUp, "kind", f.get("kind"))
            f["outcomes"] = [label(ParticipantOutcome, "outcome", o) for o in f["outcomes"]]
    for b in _each(d.get("counselling")):
        b["status"] = label(Booking, "status", b.get("status"))
        b["mode"] = label(Slot, "mode", b.get("mode"))
    for a in _each(d.get("support_applications")):
        a["status"] = label(SupportApplication, "status", a.get("status"))
        a["wish"] = label(SupportApplication, "wish", a.get("wish"))
    for p in _each(d.get("event_participation")):
        p["registration_status"] = label(Registration, "status", p.get("registration_status"))
        p["side"] = label(Participant, "side", p.get("side"))
    for n in _each(d.get("notifications")):
        n["text"] = render_or(n.get("code") or "", n.get("params") or {}, n.get("text") or "")
    for m in _each(d.get("mail")):
        m["status"] = label(OutboundMail, "status", m.get("status"))
    for r in _each(d.get("read_log")):
        found = BY_CODE.get(r.get("data_class") or "")
        r["data_class"] = str(found.label) if found else r.get("data_class")
        r["channel"] = label(ReadLog, "channel", r.get("channel"))
    return d
