"""The tenant-scope check: it passes on the code as it is, and it catches an unscoped read."""

import textwrap

from tools.tenant_scope import check_source, main, tenant_models


def findings(src: str) -> list[str]:
    return [f.function for f in check_source("x.py", textwrap.dedent(src), tenant_models())]


def test_every_selector_scopes_its_tenant_queries(capsys):
    assert main() == 0, capsys.readouterr().out


def test_tenant_models_are_found_through_their_parents():
    names = tenant_models()
    assert {"Case", "CostLine", "LedgerEntry", "Employee", "MeasureNotification"} <= names
    assert "User" not in names and "MeasureType" not in names


def test_an_unscoped_query_is_caught_and_the_scoped_forms_pass():
    assert findings(
        """
        def all_cases(*, status: str):
            return Case.objects.filter(status=status)

        def untyped_parent(*, case):
            return CostLine.objects.filter(case=case)
        """
    ) == ["all_cases", "untyped_parent"]
    assert (
        findings(
            """
        def by_org(*, actor: Actor):
            return Case.objects.filter(organisation=actor.organisation)

        def by_parent(*, rnd: ApplicationRound):
            cases = list(rnd.cases.all())
            return CostLine.objects.filter(case__in=cases)

        def by_helper(*, actor: Actor, pk: int):
            case = case_get_for_actor(actor=actor, pk=pk)
            return Comment.objects.filter(pk=pk)

        def correlated():
            return AuditEvent.objects.filter(case=OuterRef("pk"))

        def reviewed():  # tenant-scope: an aggregate over every organisation, by design
            return Case.objects.count()
        """
        )
        == []
    )
