"""Simulated users of LOM for locust: employees browsing, coordinators working the queue and
case pages, API clients listing cases. Started by bench/users.py, which makes the sessions and
API tokens in the benchmark database and names the file that holds them in
LOM_BENCH_USERS_FILE (JSON: employees, coordinators, api; see users.py). Loopback only: the
scenario refuses to start against any other host.

Every request is named by its type (the `name=` below), so locust's statistics, and users.py's
report, give p50/p95 per type. Redirects are not followed: a page that answers anything but
200 (a lost session sends to the login page) counts as an error.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import sys
from pathlib import Path
from urllib.parse import quote

from locust import HttpUser, between, events, task
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import is_loopback_url

DATA = json.loads(Path(os.environ["LOM_BENCH_USERS_FILE"]).read_text())
THINK = [float(x) for x in DATA.get("think", [2, 8])]
API_PAGES = int(DATA.get("api_pages", 3))  # pages an API client follows by cursor


@events.test_start.add_listener
def refuse_other_hosts(environment, **_kw):
    if not is_loopback_url(environment.host or ""):
        print(f"refused: {environment.host!r} is not a loopback address", file=sys.stderr)
        environment.runner.quit()
        raise SystemExit(2)


class Bench(HttpUser):
    """What every simulated user shares: an identity from its pool (handed out in turn, so
    the sessions spread), think time, and a GET that fails on anything but 200."""

    abstract = True
    wait_time = between(*THINK)
    pool_name = ""
    _counters: dict[str, itertools.count] = {}

    def on_start(self) -> None:
        if not is_loopback_url(self.host or ""):
            raise StopUser()
        pool = DATA[self.pool_name]
        n = next(self._counters.setdefault(self.pool_name, itertools.count()))
        self.me = pool[n % len(pool)]

    def get(self, path: str, name: str, headers: dict | None = None):
        with self.client.get(
            path, name=name, headers=headers, allow_redirects=False, catch_response=True
        ) as resp:
            if resp.status_code != 200:
                resp.failure(f"{resp.status_code}")
            return resp


class Employee(Bench):
    """An employee: the home page, the own cases and one of them, the library and the
    information page."""

    weight = DATA.get("weights", {}).get("employees", 6)
    pool_name = "employees"

    def on_start(self) -> None:
        super().on_start()
        self.client.cookies.set("sessionid", self.me["session"])

    @task(3)
    def home(self) -> None:
        self.get("/", "home_employee")

    @task(3)
    def my_cases(self) -> None:
        self.get("/cases/?mine=1", "my_cases")

    @task(2)
    def own_case(self) -> None:
        if self.me["cases"]:
            self.get(f"/cases/{random.choice(self.me['cases'])}/", "case_page_employee")

    @task(1)
    def library(self) -> None:
        self.get("/library/", "library")

    @task(1)
    def information(self) -> None:
        self.get("/information/", "information")


class Coordinator(Bench):
    """A coordinator working the queue: the first page, filtered by status and unit, search by
    case number and by a word of a title, later pages, case pages, the fund overview."""

    weight = DATA.get("weights", {}).get("coordinators", 3)
    pool_name = "coordinators"

    def on_start(self) -> None:
        super().on_start()
        self.client.cookies.set("sessionid", self.me["session"])

    @task(3)
    def queue(self) -> None:
        self.get("/cases/", "queue")

    @task(2)
    def queue_filtered(self) -> None:
        status = random.choice(["submitted", "in_review"])
        unit = random.choice(self.me["units"]) if self.me["units"] else ""
        self.get(f"/cases/?status={status}&unit={unit}", "queue_filtered")

    @task(1)
    def queue_search(self) -> None:
        if self.me["numbers"]:
            self.get(f"/cases/?q={quote(random.choice(self.me['numbers']))}", "queue_search")

    @task(1)
    def queue_title(self) -> None:
        if self.me["words"]:
            self.get(f"/cases/?q={quote(random.choice(self.me['words']))}", "queue_title")

    @task(1)
    def queue_paging(self) -> None:
        self.get(f"/cases/?page={random.randint(2, 5)}", "queue_page")

    @task(3)
    def case_page(self) -> None:
        if self.me["cases"]:
            self.get(f"/cases/{random.choice(self.me['cases'])}/", "case_page")

    @task(1)
    def funds(self) -> None:
        self.get("/funds/", "funds")


class ApiClient(Bench):
    """An integration listing cases through the API with a token, following the cursor."""

    weight = DATA.get("weights", {}).get("api", 1)
    pool_name = "api"

    @task
    def list_cases(self) -> None:
        headers = {"Authorization": f"Bearer {self.me['token']}"}
        resp = self.get("/api/v1/cases?limit=50", "api_cases", headers)
        for _ in range(API_PAGES - 1):
            try:
                cursor = resp.json().get("next_cursor") if resp.status_code == 200 else None
            except ValueError:
                return
            if not cursor:
                return
            resp = self.get(f"/api/v1/cases?limit=50&cursor={quote(cursor)}", "api_cases_next",
                            headers)  # fmt: skip
