"""Nothing is kept in one process's memory: two app servers (gunicorn) on one database share a
user's session, the API's rate limit and cached figures. Production settings, DEBUG off; plain
HTTP on loopback (SECURE_SSL_REDIRECT and secure cookies off, as behind no proxy)."""

import os
import secrets
import socket
import subprocess
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import psycopg
import requests

from tests.config.production import ROOT, VENV_BIN, manage, production_env

SETUP = """
import datetime
from lom.accounts.models import User
from lom.organisations.models import Organisation
from lom.outreach.models import NewsItem
User.objects.create_user(username="delad", password="ett-langt-losenord-42")
org = Organisation.objects.create(name="Myndigheten Alfa", slug="alfa")
NewsItem.objects.create(organisation=org, title="Ansök senast i maj", body="Text",
    publish_from=datetime.date(2020, 1, 1), status="published")
"""
# Straight into the database, past the services that would bump the page's cache version.
RENAME = """
from lom.outreach.models import NewsItem
NewsItem.objects.update(title="Ny rubrik")
"""
PUBLIC = "/api/v1/outreach/public/alfa"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _database(folder):
    """A fresh database: a SQLite file, or a new PostgreSQL database when the tests run on one."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{folder / 'shared.sqlite3'}"
        return
    parts = urlsplit(url)
    name = f"lom_shared_{secrets.token_hex(4)}"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait_until_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn at {base} stopped: {process.stderr.read()}")
        try:
            requests.get(f"{base}/login/", timeout=20)
            return
        except requests.RequestException:
            time.sleep(0.3)
    raise AssertionError(f"gunicorn at {base} did not answer")


@contextmanager
def _app_servers(env: dict[str, str], count: int):
    processes, bases = [], []
    try:
        for _ in range(count):
            port = _free_port()
            processes.append(
                subprocess.Popen(
                    [
                        str(VENV_BIN / "gunicorn"),
                        "lom.config.wsgi",
                        "--chdir",
                        str(ROOT / "src"),
                        "-b",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "1",
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        for base, process in zip(bases, processes, strict=True):
            _wait_until_up(base, process)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _sign_in(base: str) -> requests.Session:
    s = requests.Session()
    s.get(f"{base}/login/", timeout=10)
    r = s.post(
        f"{base}/login/",
        data={
            "username": "delad",
            "password": "ett-langt-losenord-42",
            "csrfmiddlewaretoken": s.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/login/"},
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code == 302, r.text[:500]
    return s


def _signed_in(base: str, cookies) -> bool:
    r = requests.get(f"{base}/", cookies=cookies, allow_redirects=False, timeout=10)
    return not (r.status_code == 302 and r.headers["Location"].startswith("/login/"))


def _news_titles(base: str) -> list[str]:
    r = requests.get(base + PUBLIC, timeout=10)
    assert r.status_code == 200, r.text[:300]
    return [n["title"] for n in r.json()["news"]]


def test_two_app_servers_share_sessions_rate_limits_and_cached_figures(tmp_path):
    with _database(tmp_path) as url:
        env = production_env(
            url,
            SECURE_SSL_REDIRECT="0",
            SECURE_COOKIES="0",
            LOM_API_RATE_ANON="8/min",
            LOM_CACHE="database",
            LOG_LEVEL="ERROR",
        )
        env.pop("LOM_ALLOW_SQLITE", None)
        assert manage(env, "migrate", "--noinput").returncode == 0
        assert manage(env, "shell", stdin=SETUP).returncode == 0
        with _app_servers(env, 2) as (a, b):
            # A session made on A is a session on B.
            session = _sign_in(a)
            assert _signed_in(b, session.cookies)
            assert not _signed_in(b, None)

            # A figure cached through A is what B answers, though the database changed since.
            assert _news_titles(a) == ["Ansök senast i maj"]
            assert manage(env, "shell", stdin=RENAME).returncode == 0
            assert _news_titles(b) == ["Ansök senast i maj"]

            # One anonymous limit (8 a minute) across both: the two calls above count, the
            # next six spread over A and B pass, then both refuse.
            answers = [requests.get(s + PUBLIC, timeout=10).status_code for s in (a, b) * 3]
            assert answers == [200] * 6
            assert requests.get(a + PUBLIC, timeout=10).status_code == 429
            assert requests.get(b + PUBLIC, timeout=10).status_code == 429
