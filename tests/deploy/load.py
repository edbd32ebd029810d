"""The clients of the kill run: approvers posting approvals through the API with their tokens,
and people browsing pages with a signed-in session, each in a thread, every request recorded
with its own X-Request-ID (so nginx's log says which app server answered it)."""

from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass

import requests
import urllib3

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Outcome:
    client: str
    method: str
    path: str
    request_id: str
    started: float
    ended: float
    status: int | None  # None: no HTTP answer at all
    case_id: int | None = None

    @property
    def ok(self) -> bool:
        """An answer of the app: a page, a redirect, an approval (an error or none is not)."""
        return self.status is not None and self.status < 400


def session() -> requests.Session:
    """Straight to nginx on loopback: no proxy or CA bundle from the environment (which would
    override verify=False), and the self-signed certificate accepted."""
    s = requests.Session()
    s.trust_env = False
    s.verify = False
    return s


def timed(s: requests.Session, client: str, method: str, url: str, **kw) -> Outcome:
    rid = uuid.uuid4().hex
    headers = {"X-Request-ID": rid, **kw.pop("headers", {})}
    started = time.time()
    try:
        resp = s.request(method, url, headers=headers, timeout=30, allow_redirects=False, **kw)
        status: int | None = resp.status_code
    except requests.RequestException:
        status = None
    path = url.split("://", 1)[1].split("/", 1)[1]
    return Outcome(client, method, "/" + path, rid, started, time.time(), status)


def sign_in(base: str, username: str, password: str) -> requests.Session:
    """The login form, as a browser fills it (no second factor for these users)."""
    s = session()
    page = s.get(f"{base}/login/", timeout=30)
    token = CSRF.search(page.text)
    assert token, "no CSRF token on the login page"
    resp = s.post(
        f"{base}/login/",
        data={"csrfmiddlewaretoken": token[1], "username": username, "password": password},
        headers={"Referer": f"{base}/login/"},
        timeout=30,
        allow_redirects=False,
    )
    assert resp.status_code == 302, f"{username} could not sign in ({resp.status_code})"
    return s


class Run:
    """Approvers take cases from one shared list until it is empty; browsers read pages until
    the approvers are done. `interval` paces each approver (seconds between its requests)."""

    def __init__(self, base: str, case_ids: list[int], *, interval: float) -> None:
        self.base = base
        self.todo = list(reversed(case_ids))
        self.lock = threading.Lock()
        self.outcomes: list[Outcome] = []
        self.interval = interval
        self.approving = threading.Event()

    def _next_case(self) -> int | None:
        with self.lock:
            return self.todo.pop() if self.todo else None

    def _record(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)

    def approver(self, name: str, token: str) -> None:
        s = session()
        auth = {"Authorization": f"Bearer {token}"}
        while (case_id := self._next_case()) is not None:
            url = f"{self.base}/api/v1/cases/{case_id}/transitions"
            body = {"name": "approve", "reason": "Beviljas enligt avtalet."}
            outcome = timed(s, name, "POST", url, json=body, headers=auth)
            outcome.case_id = case_id
            self._record(outcome)
            time.sleep(max(0.0, self.interval - (outcome.ended - outcome.started)))

    def browser(self, name: str, s: requests.Session) -> None:
        paths = ("/", "/cases/")
        i = 0
        while self.approving.is_set():
            self._record(timed(s, name, "GET", f"{self.base}{paths[i % 2]}"))
            i += 1
            time.sleep(0.05)

    def start(self, approvers: dict[str, str], browsers: dict[str, requests.Session]):
        self.approving.set()
        threads = [
            threading.Thread(target=self.approver, args=(n, t), name=n)
            for n, t in approvers.items()
        ]
        readers = [
            threading.Thread(target=self.browser, args=(n, s), name=n) for n, s in browsers.items()
        ]
        for t in threads + readers:
            t.start()
        return threads, readers

    def finish(self, threads, readers) -> None:
        for t in threads:
            t.join(timeout=120)
        self.approving.clear()
        for t in readers:
            t.join(timeout=60)
