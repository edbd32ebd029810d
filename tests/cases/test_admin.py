"""Cases in the Django admin: read-only, and without the personal reason (special-category
data is shown only where its read is logged)."""

from lom.cases.models import Case
from tests.factories import UserFactory, make_case, signed_in

SECRET = "utbrändhet efter sjukskrivning"


def test_the_case_admin_does_not_show_the_personal_reason(world):
    case = make_case(world, private_reason=SECRET)
    assert Case.objects.get(pk=case.pk).private_reason == SECRET
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    page = signed_in(root).get(f"/django-admin/cases/case/{case.pk}/change/")
    assert page.status_code == 200
    assert case.number in page.content.decode()
    assert SECRET not in page.content.decode()
