"""The events other packages emit reach a subscribed receiver, signed, with their payload."""

from datetime import timedelta

from django.utils import timezone

from lom.decisions import services as dec
from lom.fundmode import services as fs
from lom.register.services import import_apply
from lom.webhooks import services
from tests.factories import all_met, make_fund, notify_measure, open_and_allocate, pdf
from tests.register.files import employees_file, previewed, units_file


def subscribe(actor, receiver, *events: str) -> None:
    _e, receiver.secret = services.webhook_endpoint_create(
        actor=actor, url=receiver.url, events=list(events)
    )


def test_signed_minutes_are_a_registered_document(
    world, receiver, django_capture_on_commit_callbacks
):
    subscribe(world.actor(world.admin), receiver, "document.registered")
    coord = world.actor(world.coordinator)
    meeting = dec.meeting_create(
        actor=coord,
        title="Partssamverkan",
        starts_at=timezone.now() - timedelta(hours=1),
        place="Rum 4",
        attendee_ids=[world.union_rep.pk],
    )
    dec.meeting_sign(actor=coord, meeting=meeting)  # the chair; the union's adjuster seals
    with django_capture_on_commit_callbacks(execute=True):
        dec.meeting_sign(actor=world.actor(world.union_rep), meeting=meeting)
    assert receiver.events() == ["document.registered"]
    got = receiver.received[0]
    assert got.signature_ok
    assert got.body["data"]["meeting_id"] == meeting.pk
    assert got.body["data"]["document"] == "minutes" and len(got.body["data"]["sha256"]) == 64


def test_an_applied_register_import(world, receiver, django_capture_on_commit_callbacks):
    subscribe(world.actor(world.admin), receiver, "register.import_applied")
    run = previewed(django_capture_on_commit_callbacks, world, [units_file(), employees_file()])
    with django_capture_on_commit_callbacks(execute=True):
        import_apply(actor=world.admin, run=run)
    assert receiver.events() == ["register.import_applied"]
    data = receiver.received[0].body["data"]
    assert data["run_id"] == run.pk and "employees" in data["counts"]


def test_a_fund_decision_and_a_paid_claim(
    world, other_world, receiver, django_capture_on_commit_callbacks
):
    f = make_fund(members=[world.org, other_world.org])
    f.alfa, f.beta = world, other_world
    subscribe(f.actor(f.admin), receiver, "fund_notification.decided", "claim.paid")
    r = open_and_allocate(f)
    n = notify_measure(f, r, cost=100_000_00)
    officer = f.actor(f.officer)
    with django_capture_on_commit_callbacks(execute=True):
        fs.fund_decide(
            actor=officer,
            notification=n,
            outcome="approved",
            answers=all_met(r),
            costs_reasonable=True,
        )
    claim = fs.claim_submit(
        actor=world.actor(world.coordinator),
        notification=n,
        costs={"tuition": (60_000_00, "Faktura 1")},
        internal_salary_ore=0,
        participants=[("3344", "F", 7)],
        invoices=[pdf("faktura.pdf")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        fs.claim_pay(actor=officer, claim=claim)
    assert receiver.events() == ["fund_notification.decided", "claim.paid"]
    decided, paid = (r.body["data"] for r in receiver.received)
    assert decided["notification_id"] == n.pk and decided["outcome"] == "approved"
    assert decided["approved_ore"] == 100_000_00
    assert paid["claim_id"] == claim.pk and paid["paid_ore"] == 60_000_00
    assert all(r.signature_ok for r in receiver.received)
