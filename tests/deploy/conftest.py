"""Fixtures of the production smoke test (`make smoke`): the whole stack as real processes.

LOM_SMOKE_SERVER is the PostgreSQL server to make a scratch database on (`make smoke` sets it;
without it the tests are skipped). Logs of every process are kept in
test-artifacts/smoke-logs/ after the run."""

import json
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from tests.deploy.stack import (
    DEPLOY,
    ROOT,
    Stack,
    answers_http,
    free_port,
    has_command,
    make_certificate,
    nginx_main_conf,
    production_env,
    python,
    render_nginx_site,
    wait_until,
    worker_args,
)

SERVER = os.environ.get("LOM_SMOKE_SERVER", "postgres://postgres@127.0.0.1:54329").rstrip("/")
N_CASES = int(os.environ.get("LOM_SMOKE_CASES", "120"))
ARTIFACTS = ROOT / "test-artifacts"


def _admin(sql: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="session")
def stack(tmp_path_factory, smtp_server):
    """The real SMTP server (tests/mail/smtp_fixtures.py) receives what the worker sends."""
    for tool in ("nginx", "openssl"):
        assert subprocess.run(["which", tool], capture_output=True).returncode == 0, (
            f"{tool} is required by the smoke test (apt-get install {tool})"
        )
    tmp = tmp_path_factory.mktemp("stack")
    name = f"lom_smoke_{os.getpid()}"
    _admin(f'DROP DATABASE IF EXISTS "{name}"')
    _admin(f'CREATE DATABASE "{name}"')
    https_port, http_port = free_port(), free_port()
    app_ports = {"web-a": free_port(), "web-b": free_port()}
    s = Stack(
        tmp=tmp,
        env=production_env(
            database_url=f"{SERVER}/{name}",
            https_port=https_port,
            media=tmp / "media",
            smtp_port=smtp_server.port,
        ),
        database_url=f"{SERVER}/{name}",
        https_port=https_port,
        http_port=http_port,
        app_ports=app_ports,
        smtp_port=smtp_server.port,
    )
    try:
        _build(s)
        yield s
    finally:
        s.stop_all()
        s.keep_logs(ARTIFACTS / "smoke-logs")
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _build(s: Stack) -> None:
    started = time.monotonic()
    (s.tmp / "media").mkdir()
    cert, key = make_certificate(s.tmp)
    # Migrations and static files at the same time: they do not depend on each other.
    with ThreadPoolExecutor(2) as pool:
        migrated = pool.submit(s.run, "migrate", timeout=400)
        pool.submit(s.run, "manage", "collectstatic", "--noinput", "--verbosity", "0").result()
        migrated.result()
    print(f"\nmigrated in {time.monotonic() - started:.0f} s")
    for name, port in s.app_ports.items():
        s.start(name, [str(DEPLOY / "lom"), "web"], LOM_BIND=f"127.0.0.1:{port}")
    s.start("worker", worker_args())
    if has_command("run_scheduler"):
        s.start("scheduler", [str(DEPLOY / "lom"), "scheduler"])
    site = s.tmp / "site.conf"
    site.write_text(
        render_nginx_site(
            {
                "LOM_SERVER_NAME": "127.0.0.1 localhost",
                "LOM_HTTP_PORT": f"127.0.0.1:{s.http_port}",
                "LOM_HTTPS_PORT": f"127.0.0.1:{s.https_port}",
                "LOM_APP_A": f"127.0.0.1:{s.app_ports['web-a']}",
                "LOM_APP_B": f"127.0.0.1:{s.app_ports['web-b']}",
                "LOM_TLS_CERT": str(cert),
                "LOM_TLS_KEY": str(key),
                "LOM_STATIC_ROOT": str(ROOT / "var" / "staticfiles"),
                "LOM_MAX_BODY": "61m",
                "LOM_ACCESS_LOG": str(s.nginx_access_log),
            }
        )
    )
    main = s.tmp / "nginx.conf"
    main.write_text(nginx_main_conf(s.tmp, site))
    s.start("nginx", ["nginx", "-p", str(s.tmp), "-c", str(main), "-e", str(s.tmp / "nginx.log")])
    # The data while the servers start.
    seeded = subprocess.run(
        [python(), str(ROOT / "tests" / "deploy" / "seed.py"), str(N_CASES)],
        cwd=ROOT,
        env=s.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert seeded.returncode == 0, seeded.stderr[-4000:]
    s.seed = json.loads(seeded.stdout.strip().splitlines()[-1])
    print(f"{N_CASES} cases seeded at {time.monotonic() - started:.0f} s")

    for name, port in s.app_ports.items():
        wait_until(lambda port=port: answers_http(port), timeout=60, what=name)
    wait_until(lambda: answers_http(s.http_port), timeout=20, what="nginx")
    print(f"\nsmoke stack up in {time.monotonic() - started:.0f} s: {s.base}")
