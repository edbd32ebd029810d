"""A joint body with three union parties (Saco-S, Kommunal, Vision), each with its
representative, for the tests of meetings: parties, quorum and adjusting the minutes."""

import subprocess
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from lom.agreements.models import DecisionModel
from lom.cases import services as cs
from lom.decisions import services as dec
from lom.decisions.models import AgendaItem, Meeting
from lom.organisations.models import Role, Union
from lom.organisations.services import membership_grant
from tests.factories import (
    UserFactory,
    World,
    add_agreement_union,
    make_case,
    make_world,
    set_agreement_rules,
)


@dataclass
class Body:
    w: World
    kommunal: Union
    vision: Union
    kommunal_rep: object
    vision_rep: object

    def actor(self, user):
        return self.w.actor(user)

    @property
    def coord(self):
        return self.w.actor(self.w.coordinator)


def joint_body(slug: str = "parter", decision_model: str = DecisionModel.JOINT) -> Body:
    w = make_world(slug, decision_model=decision_model)
    extra = {}
    for name in ("Kommunal", "Vision"):
        union = Union.objects.create(organisation=w.org, name=name)
        rep = UserFactory(username=f"{slug}-{name.lower()}", first_name=name, last_name="Rep")
        membership_grant(actor=None, organisation=w.org, user=rep, role=Role.UNION_REP, union=union)
        add_agreement_union(w.org, union)
        extra[name] = (union, rep)
    return Body(
        w=w,
        kommunal=extra["Kommunal"][0],
        vision=extra["Vision"][0],
        kommunal_rep=extra["Kommunal"][1],
        vision_rep=extra["Vision"][1],
    )


def set_quorum(b: Body, quorum: str) -> None:
    set_agreement_rules(b.w.org, quorum=quorum)


def in_review(w: World, **kw):
    return cs.case_transition(
        actor=w.actor(w.coordinator), case=make_case(w, **kw), name="start_review"
    )


def meeting_with(b: Body, *reps, starts_in=timedelta(hours=-1)) -> Meeting:
    return dec.meeting_create(
        actor=b.coord,
        title="Partssamverkan v.12",
        starts_at=timezone.now() + starts_in,
        place="Rum 4",
        attendee_ids=[r.pk for r in reps],
    )


def agree_all(b: Body, item: AgendaItem) -> None:
    """Every party present takes the final position 'agree'."""
    for party in item.meeting.parties.filter(present=True).select_related("union"):
        if party.union is None:
            dec.position_record(actor=b.coord, item=item, stance="agree", final=True, union=None)
        else:
            dec.position_record(
                actor=b.actor(party.representative),
                item=item,
                stance="agree",
                final=True,
                union=party.union,
            )


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode()
