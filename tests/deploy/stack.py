"""The production stack of the smoke test as real processes: a scratch PostgreSQL database, two
gunicorn app servers, a worker, the scheduler and nginx with TLS, all started through the same
files an installation uses (deploy/lom, deploy/nginx/lom.conf)."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VENV_BIN = ROOT / ".venv" / "bin"
TEMPLATE = DEPLOY / "nginx" / "lom.conf"
PLACEHOLDER = re.compile(r"\$\{(LOM_[A-Z_]+)\}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def render_nginx_site(values: dict[str, str], template: Path = TEMPLATE) -> str:
    """The site file with its ${LOM_...} placeholders filled in, as envsubst would."""
    text = template.read_text()
    missing = sorted(set(PLACEHOLDER.findall(text)) - set(values))
    if missing:
        raise KeyError(f"no value for {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda m: values[m[1]], text)


def nginx_main_conf(prefix: Path, site: Path) -> str:
    """A main nginx.conf for an unprivileged nginx in `prefix`, including the site file."""
    temp = "\n".join(
        f"    {kind}_temp_path {prefix}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes 1;\npid {prefix}/nginx.pid;\ndaemon off;\n"
        f"error_log {prefix}/nginx-error.log warn;\nevents {{ worker_connections 512; }}\n"
        f"http {{\n    include /etc/nginx/mime.types;\n{temp}\n    include {site};\n}}\n"
    )


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, valid for a day."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def wait_until(check, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not come up within {timeout:.0f} s")


def answers_http(port: int, path: str = "/healthz") -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        conn.getresponse().read()
        conn.close()
        return True
    except OSError:
        return False


def refuses(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return False
    except OSError:
        return True


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    log: Path

    def kill_group(self, sig: int = signal.SIGKILL) -> None:
        """The signal to the process and every child (gunicorn's master and its workers)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.kill_group(signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill_group(signal.SIGKILL)
                self.popen.wait(timeout=5)
        self.kill_group(signal.SIGKILL)  # children left behind by a killed parent


@dataclass
class Stack:
    tmp: Path
    env: dict[str, str]
    database_url: str
    https_port: int
    http_port: int
    app_ports: dict[str, int]
    seed: dict = field(default_factory=dict)
    procs: dict[str, Proc] = field(default_factory=dict)
    smtp_port: int = 0

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def nginx_access_log(self) -> Path:
        return self.tmp / "nginx-access.log"

    def start(self, name: str, args: list[str], **extra_env: str) -> Proc:
        log = self.tmp / f"{name}.log"
        popen = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**self.env, **extra_env},
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        proc = Proc(name, popen, log)
        self.procs[name] = proc
        return proc

    def run(self, *args: str, timeout: float = 300) -> str:
        """A one-off command to completion (deploy/lom ...); its output, or a failure."""
        done = subprocess.run(
            [str(DEPLOY / "lom"), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"deploy/lom {' '.join(args)} failed:\n{done.stderr[-4000:]}")
        return done.stdout

    def app_log_lines(self, name: str) -> list[dict]:
        """The JSON lines an app server wrote (other lines skipped)."""
        out = []
        for line in self.procs[name].log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except ValueError:
                    continue
        return out

    def nginx_log(self) -> list[dict]:
        text = self.nginx_access_log.read_text() if self.nginx_access_log.exists() else ""
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def stop_all(self) -> None:
        for proc in reversed(list(self.procs.values())):
            proc.stop()

    def keep_logs(self, target: Path) -> None:
        target.mkdir(parents=True, exist_ok=True)
        for path in self.tmp.glob("*.log"):
            shutil.copy(path, target / path.name)


def production_env(
    *, database_url: str, https_port: int, media: Path, smtp_port: int
) -> dict[str, str]:
    """The environment of every LOM process: production settings (DEBUG off), behind one proxy."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG", "TASKS_BACKEND", "PYTHONPATH")
        and not k.startswith(("LOM_", "PYTEST", "SECURE_"))
    }
    env.update(
        PATH=f"{VENV_BIN}:{env.get('PATH', '/usr/bin:/bin')}",
        LOM_PYTHON=str(VENV_BIN / "python"),
        SECRET_KEY=secrets.token_urlsafe(50),
        LOM_BASE_URL=f"https://127.0.0.1:{https_port}",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media),
        LOM_PROXY_COUNT="1",
        LOM_PROXY_SSL_HEADER="1",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        LOG_FORMAT="json",
        LOG_LEVEL="INFO",
        WEB_CONCURRENCY="2",
        # The load run's clients send many requests per user: no per-user API limit here.
        LOM_API_RATE_USER="",
        LOM_WORKER_HEARTBEAT_SECONDS="2",
    )
    return env


def has_command(name: str) -> bool:
    return any((ROOT / "src" / "lom").glob(f"*/management/commands/{name}.py"))


def worker_args() -> list[str]:
    """deploy/lom worker runs `run_worker`; a checkout without it falls back to db_worker."""
    if has_command("run_worker"):
        return [str(DEPLOY / "lom"), "worker"]
    return [str(DEPLOY / "lom"), "manage", "db_worker"]


def python() -> str:
    return str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
