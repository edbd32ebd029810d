"""Signed deliveries to a real HTTPS receiver: signature, retries with backoff, giving up,
another organisation's endpoint, and the address rules."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lom.common.errors import DomainError, PermissionDeniedError
from lom.webhooks import services
from lom.webhooks.models import WebhookDelivery
from lom.webhooks.services.delivery import RETRY_DELAYS
from lom.webhooks.tasks import webhook_retries_task
from tests.factories import approve, make_case

S = WebhookDelivery.Status


def endpoint_for(world, receiver, events=("case.decided",)):
    endpoint, secret = services.webhook_endpoint_create(
        actor=world.actor(world.admin), url=receiver.url, description="Diariet", events=events
    )
    receiver.secret = secret
    return endpoint


def test_a_decided_case_reaches_the_receiver_signed(
    world, receiver, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(world, receiver)
    case = make_case(world)
    with django_capture_on_commit_callbacks(execute=True):
        approve(world, case)
    assert receiver.events() == ["case.decided"]
    got = receiver.received[0]
    assert got.signature_ok
    assert got.body["event"] == "case.decided"
    assert got.body["data"]["case_id"] == case.pk
    assert got.body["data"]["outcome"] == "approved"
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert got.delivery == str(delivery.delivery_id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (S.DELIVERED, 1, 200)


def test_a_refused_attempt_is_retried_by_the_job_when_due(
    world, receiver, django_capture_on_commit_callbacks
):
    endpoint_for(world, receiver)
    receiver.answer(500)
    with django_capture_on_commit_callbacks(execute=True):
        approve(world, make_case(world))
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (S.FAILED, 1, 500)
    assert delivery.next_attempt_at is not None
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=RETRY_DELAYS[0] - 5) < wait <= timedelta(seconds=RETRY_DELAYS[0])

    webhook_retries_task.enqueue()  # not yet due: nothing is sent
    assert len(receiver.received) == 1
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    webhook_retries_task.enqueue()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (S.DELIVERED, 2, 200)
    assert [r.delivery for r in receiver.received] == [str(delivery.delivery_id)] * 2


def test_six_failures_give_up(world, receiver, django_capture_on_commit_callbacks):
    endpoint_for(world, receiver)
    receiver.answer(*[503] * 6)
    with django_capture_on_commit_callbacks(execute=True):
        approve(world, make_case(world))
    delivery = WebhookDelivery.objects.get()
    waits = []
    for _ in range(5):
        delivery.refresh_from_db()
        waits.append(round((delivery.next_attempt_at - timezone.now()).total_seconds() / 10) * 10)
        services.webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert waits == list(RETRY_DELAYS)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (S.GIVEN_UP, 6, None)
    assert services.webhook_deliver(delivery_id=delivery.pk) == S.GIVEN_UP
    assert len(receiver.received) == 6


def test_a_wrong_secret_fails_the_receivers_check(
    world, receiver, django_capture_on_commit_callbacks
):
    endpoint_for(world, receiver)
    receiver.secret = "whsec_not-the-one"
    with django_capture_on_commit_callbacks(execute=True):
        approve(world, make_case(world))
    assert [r.signature_ok for r in receiver.received] == [False]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == (S.FAILED, 401)


def test_rotation_signs_with_the_new_secret(world, receiver, django_capture_on_commit_callbacks):
    endpoint = endpoint_for(world, receiver)
    old = receiver.secret
    _e, receiver.secret = services.webhook_secret_rotate(
        actor=world.actor(world.admin), endpoint=endpoint
    )
    assert receiver.secret != old and len(receiver.secret) >= 43
    with django_capture_on_commit_callbacks(execute=True):
        approve(world, make_case(world))
    assert [r.signature_ok for r in receiver.received] == [True]


def test_another_organisations_endpoint_never_receives(
    world, other_world, receiver, django_capture_on_commit_callbacks
):
    endpoint_for(other_world, receiver, events=("case.decided", "case.submitted"))
    with django_capture_on_commit_callbacks(execute=True):
        approve(world, make_case(world))
    assert receiver.received == []
    assert not WebhookDelivery.objects.exists()


def test_only_subscribed_events_of_active_endpoints(
    world, receiver, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(world, receiver, events=("case.submitted",))
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(world)
        approve(world, case)
    assert receiver.events() == ["case.submitted"]
    assert receiver.received[0].body["data"]["number"] == case.number
    services.webhook_endpoint_deactivate(actor=world.actor(world.admin), endpoint=endpoint)
    with django_capture_on_commit_callbacks(execute=True):
        make_case(world)
    assert receiver.events() == ["case.submitted"]


def test_redeliver_sends_the_same_delivery_again(
    world, receiver, django_capture_on_commit_callbacks
):
    endpoint_for(world, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        approve(world, make_case(world))
    delivery = WebhookDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_redeliver(actor=world.actor(world.admin), delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == S.DELIVERED
    assert [r.delivery for r in receiver.received] == [str(delivery.delivery_id)] * 2
    assert receiver.received[0].body == receiver.received[1].body


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://hooks.example.se/lom", "https"),
        ("https://127.0.0.1/lom", "private_address"),
        ("https://10.1.2.3/lom", "private_address"),
        ("https://169.254.169.254/latest", "private_address"),
        ("https://[::1]/lom", "private_address"),
    ],
)
def test_plain_http_and_internal_addresses_are_refused_on_the_url(world, url, code):
    with pytest.raises(DomainError) as refused:
        services.webhook_endpoint_create(
            actor=world.actor(world.admin), url=url, events=["case.decided"]
        )
    assert (refused.value.field, refused.value.code) == ("url", code)


def test_a_name_that_now_resolves_inside_is_refused_at_send_time(
    world, receiver, settings, django_capture_on_commit_callbacks
):
    endpoint_for(world, receiver)
    settings.LOM_WEBHOOK_ALLOW_PRIVATE = False  # as if the name had resolved outside before
    with django_capture_on_commit_callbacks(execute=True):
        approve(world, make_case(world))
    delivery = WebhookDelivery.objects.get()
    assert receiver.received == []
    assert delivery.status == S.FAILED and delivery.last_status_code is None
    assert "internt" in delivery.last_error


def test_only_the_organisation_admin_manages_endpoints(world, receiver):
    for user in (world.coordinator, world.employee, world.auditor):
        with pytest.raises(PermissionDeniedError):
            services.webhook_endpoint_create(
                actor=world.actor(user), url=receiver.url, events=["case.decided"]
            )
