"""The Django admin never bypasses the services. Every model of ours registered there is either
read-only (no add, change or delete, inlines included) or in the explicit list below of
service-backed admins (a `ServiceAdmin`, whose writes go through the named services). A new
admin that could write a table directly fails here."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from lom.cases.models import Case
from lom.common.admin import ServiceAdmin
from tests.factories import UserFactory, make_case, signed_in

# model -> the services its admin writes through
SERVICE_BACKED = {
    "organisations.organisation": "organisation_save",
    "organisations.unit": "unit_create, unit_update",
    "organisations.membership": "membership_grant, membership_change, membership_revoke",
    "accounts.user": "user_create, user_update, user_password_set",
    "accounts.apitoken": "api_token_revoke (delete only)",
    "agreements.measuretype": "measure_type_save",
    "agreements.contributionrate": "contribution_rate_save",
    "operations.accessibilitystatement": "accessibility_statement_save",
    "operations.accessibilityissue": "accessibility_issue_save, accessibility_issue_delete",
}

OURS = sorted(
    (model._meta.label_lower, model_admin)
    for model, model_admin in admin.site._registry.items()
    if model.__module__.startswith("lom.")
)
READ_ONLY = [(label, a) for label, a in OURS if label not in SERVICE_BACKED]


def superuser_request():
    request = RequestFactory().get("/")
    request.user = UserFactory.build(username="probe", is_staff=True, is_superuser=True)
    return request


def test_every_service_backed_admin_is_a_service_admin():
    registered = dict(OURS)
    assert set(SERVICE_BACKED) <= set(registered), "listed but not registered"
    for label in SERVICE_BACKED:
        model_admin = registered[label]
        assert isinstance(model_admin, ServiceAdmin), label
        assert not model_admin.inlines, f"{label}: a service admin has no inlines"


@pytest.mark.parametrize(("label", "model_admin"), READ_ONLY, ids=[x[0] for x in READ_ONLY])
def test_every_other_admin_of_ours_is_read_only(label, model_admin):
    request = superuser_request()
    assert not model_admin.has_add_permission(request), label
    assert not model_admin.has_change_permission(request), label
    assert not model_admin.has_delete_permission(request), label
    for inline in model_admin.get_inline_instances(request):
        assert not inline.has_add_permission(request, None), f"{label} inline"
        assert not inline.has_change_permission(request), f"{label} inline"
        assert not inline.has_delete_permission(request), f"{label} inline"


def test_the_check_would_catch_an_editable_admin():
    request = superuser_request()
    assert admin.ModelAdmin(Case, admin.site).has_change_permission(request)


def test_support_session_notes_stay_out_of_the_admin():
    assert "support.sessionnote" not in dict(OURS)


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_read_only_admins_answer_403_to_add_and_change_posts_and_offer_no_delete(world, root):
    make_case(world)
    client = signed_in(root)
    for label, model_admin in READ_ONLY:
        model = model_admin.model
        base = f"/django-admin/{model._meta.app_label}/{model._meta.model_name}"
        obj = model.objects.first()
        pk = obj.pk if obj is not None else 999_999
        before = model.objects.count()
        assert client.post(f"{base}/add/", {}).status_code == 403, label
        assert client.post(f"{base}/{pk}/change/", {}).status_code == 403, label
        assert client.post(f"{base}/{pk}/delete/", {"post": "yes"}).status_code == 403, label
        assert model.objects.count() == before, label
        listing = client.get(f"{base}/")
        assert listing.status_code == 200, label
        assert "delete_selected" not in listing.content.decode(), label
        if obj is not None:
            assert client.get(f"{base}/{pk}/change/").status_code == 200, label


def test_service_backed_admins_offer_no_bulk_delete(root):
    client = signed_in(root)
    for label in SERVICE_BACKED:
        app_label, model_name = label.split(".")
        listing = client.get(f"/django-admin/{app_label}/{model_name}/")
        assert listing.status_code == 200, label
        assert "delete_selected" not in listing.content.decode(), label
