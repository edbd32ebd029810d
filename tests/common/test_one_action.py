"""One action = one service call = one durable transaction, checked on the code
(tools/one_action.py) and shown to catch what it is meant to catch."""

import textwrap
from pathlib import Path

from tools import one_action


def test_every_service_is_durable_and_every_view_calls_one(capsys):
    assert one_action.main() == 0, capsys.readouterr().out


def test_the_check_catches_a_plain_service_and_a_two_service_view(tmp_path: Path, monkeypatch):
    services = tmp_path / "services.py"
    services.write_text(
        textwrap.dedent(
            """
            from django.db import transaction

            @transaction.atomic(durable=True)
            def good(*, x):
                return x

            def plain(*, x):
                return x

            def split(parts):  # pure: arithmetic only
                return parts

            def post(*, row):  # step: runs in the caller's transaction
                return row

            def remind_all():  # batch: one transaction per reminder
                return 0

            def also_good(*, x):
                \"\"\"Docstring first.\"\"\"
                with transaction.atomic(durable=True):
                    return x
            """
        )
    )
    monkeypatch.setattr(one_action, "ROOT", tmp_path)
    assert [f.split(": ", 1)[1].split("(")[0] for f in one_action.durable_findings(services)] == [
        "service plain"
    ]
    views = tmp_path / "views.py"
    views.write_text(
        textwrap.dedent(
            """
            from lom.x import services

            def two(request):
                services.good(x=1)
                services.also_good(x=2)

            def branches(request):  # one action per branch
                if request.POST.get("a"):
                    return services.good(x=1)
                return services.also_good(x=2)

            def one(request):
                return services.good(x=1)

            def raw_step(request):
                return services.post(row=1)
            """
        )
    )
    found = one_action.view_findings(views, {"good", "also_good"}, frozenset({"post"}))
    assert len(found) == 2
    assert "two() calls 2 services" in found[0]
    assert "raw_step() calls the step post() outside a service transaction" in found[1]
