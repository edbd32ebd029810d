"""The smoke test's data, made through the services in the production settings (run as a
script by the smoke fixtures, never collected): one organisation with a user in every role, a
fund period, N submitted cases in review, and API tokens. Prints one JSON object."""

import io
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lom.config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from lom.cases import services as case_services  # noqa: E402
from tests.factories import make_case, make_world  # noqa: E402

# Employees and others who sign in with a password alone (no second factor).
BROWSING = ("employee", "colleague", "manager", "union_rep", "auditor")
APPROVERS = ("coordinator", "decision_maker")


def token(username: str) -> str:
    out = io.StringIO()
    call_command("create_api_token", username, "--name", "smoke", stdout=out)
    return out.getvalue().strip()


def main(n_cases: int, slug: str = "smoke") -> dict:
    world = make_world(slug, allocation_ore=10_000_000_00)
    coordinator = world.actor(world.coordinator)
    applicants = [world.employee, world.colleague, world.manager]
    case_ids = []
    for i in range(n_cases):
        case = make_case(
            world, applicants[i % len(applicants)], amount_ore=1_000_00 + i, title=f"Kurs {i}"
        )
        case = case_services.case_transition(actor=coordinator, case=case, name="start_review")
        case_ids.append(case.pk)
    users = {name: getattr(world, name).username for name in BROWSING + APPROVERS}
    return {
        "organisation_id": world.org.pk,
        "period_id": world.period.pk,
        "allocation_ore": 10_000_000_00,
        "case_ids": case_ids,
        "users": users,
        "password": "pw",
        "tokens": {name: token(users[name]) for name in BROWSING + APPROVERS},
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), *sys.argv[2:3])))
