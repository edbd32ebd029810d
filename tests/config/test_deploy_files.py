"""The reference deployment in deploy/ holds together: the compose file's services and
variables, the env file example against the settings, the systemd units and the entry point,
and the nginx site (rendered and checked by nginx itself when it is installed). The smoke test
(`make smoke`) runs the same files as real processes."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.deploy.stack import PLACEHOLDER, TEMPLATE, nginx_main_conf, render_nginx_site

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SETTINGS = ROOT / "src" / "lom" / "config" / "settings.py"
# env.int("NAME", ...), env("NAME"), required("NAME", ...): the ways settings.py reads a variable.
ENV_READ = re.compile(r"\b(?:env(?:\.[a-z_]+)?|required)\(\s*\"([A-Z][A-Z0-9_]*)\"", re.S)


def entrypoint_commands() -> set[str]:
    text = (DEPLOY / "lom").read_text()
    return set(re.findall(r"^  ([a-z]+)\)", text, re.M))


def example_names() -> list[str]:
    lines = (DEPLOY / "lom.env.example").read_text().splitlines()
    return [ln.split("=", 1)[0] for ln in lines if ln and not ln.startswith("#")]


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_the_env_example_lists_every_setting_once_each_under_a_comment():
    names = example_names()
    assert len(names) == len(set(names)), "a variable listed twice"
    read = set(ENV_READ.findall(SETTINGS.read_text()))
    assert read, "no env reads found in settings.py"
    assert sorted(read - set(names)) == [], "settings read these, deploy/lom.env.example lacks them"
    lines = (DEPLOY / "lom.env.example").read_text().splitlines()
    for i, line in enumerate(lines):
        if line and not line.startswith("#"):
            # A comment above it, or above the group of variables it belongs to.
            assert lines[i - 1], f"{line.split('=')[0]} has no comment above it"


def test_compose_runs_the_whole_stack_from_one_image():
    services = compose()["services"]
    assert set(services) == {"db", "release", "web-a", "web-b", "worker", "scheduler", "nginx"}
    lom = {name: s for name, s in services.items() if s.get("image") == "localhost/lom:latest"}
    assert set(lom) == {"release", "web-a", "web-b", "worker", "scheduler"}
    commands = {name: s["command"][0] for name, s in lom.items()}
    assert commands == {
        "release": "release",
        "web-a": "web",
        "web-b": "web",
        "worker": "worker",
        "scheduler": "scheduler",
    }
    assert set(commands.values()) <= entrypoint_commands()
    assert list(commands.values()).count("scheduler") == 1, "exactly one scheduler"
    assert services["release"]["build"]["dockerfile"] == "deploy/Containerfile"
    names = set(example_names())
    for name, s in lom.items():
        assert s["env_file"] == "lom.env"
        assert set(s["environment"]) <= names | {"FORWARDED_ALLOW_IPS"}, name
        assert "media:/srv/lom/var/media" in s["volumes"], name
        if name != "release":
            assert s["depends_on"] == {"release": {"condition": "service_completed_successfully"}}


def test_compose_gives_nginx_every_placeholder_of_the_site_template():
    nginx = compose()["services"]["nginx"]
    assert "./nginx/lom.conf:/etc/nginx/templates/lom.conf.template:ro" in nginx["volumes"]
    placeholders = set(PLACEHOLDER.findall(TEMPLATE.read_text()))
    assert placeholders == set(nginx["environment"])
    upstreams = {nginx["environment"]["LOM_APP_A"], nginx["environment"]["LOM_APP_B"]}
    assert upstreams == {"web-a:8000", "web-b:8000"}


def test_the_container_image_installs_the_production_lock_as_a_plain_user():
    text = (DEPLOY / "Containerfile").read_text()
    assert re.search(r"^FROM \S*python:3\.11-slim", text, re.M)
    assert "pip install --no-deps -r requirements.lock" in text
    assert "requirements-dev.lock" not in text
    assert re.search(r"^USER lom$", text, re.M)
    assert "collectstatic" in text
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core", "xmlsec1"):
        assert package in text
    assert 'ENTRYPOINT ["/srv/lom/deploy/lom"]' in text


@pytest.mark.parametrize(
    ("unit", "command"),
    [
        ("lom-web@.service", "web"),
        ("lom-worker.service", "worker"),
        ("lom-scheduler.service", "scheduler"),
    ],
)
def test_systemd_units_start_the_entry_point_with_the_environment_file(unit, command):
    text = (DEPLOY / "systemd" / unit).read_text()
    assert f"ExecStart=/srv/lom/deploy/lom {command}\n" in text
    assert "EnvironmentFile=/etc/lom/lom.env" in text
    assert "User=lom" in text
    assert command in entrypoint_commands()
    if command == "web":
        assert "Environment=LOM_BIND=127.0.0.1:%i" in text


def test_the_entry_point_refuses_an_unknown_command():
    done = subprocess.run([str(DEPLOY / "lom"), "nonsense"], capture_output=True, text=True)
    assert done.returncode == 2
    assert "usage" in done.stderr


def test_nginx_site_rendered_is_accepted_by_nginx(tmp_path):
    values = {name: "x" for name in PLACEHOLDER.findall(TEMPLATE.read_text())}
    cert = tmp_path / "cert.pem"
    values.update(
        LOM_SERVER_NAME="lom.example.se",
        LOM_HTTP_PORT="127.0.0.1:8080",
        LOM_HTTPS_PORT="127.0.0.1:8443",
        LOM_APP_A="127.0.0.1:8001",
        LOM_APP_B="127.0.0.1:8002",
        LOM_TLS_CERT=str(cert),
        LOM_TLS_KEY=str(tmp_path / "key.pem"),
        LOM_STATIC_ROOT=str(tmp_path / "static"),
        LOM_MAX_BODY="61m",
        LOM_ACCESS_LOG=str(tmp_path / "access.log"),
    )
    site = render_nginx_site(values)
    assert "${LOM_" not in site
    # POSTs are never sent to a second server: no `non_idempotent` in proxy_next_upstream.
    assert re.findall(r"^\s*proxy_next_upstream ([^;]*);", site, re.M) == ["error timeout"]
    if shutil.which("nginx") is None or shutil.which("openssl") is None:
        pytest.skip("nginx is not installed")
    from tests.deploy.stack import make_certificate

    make_certificate(tmp_path)
    (tmp_path / "site.conf").write_text(site)
    main = tmp_path / "nginx.conf"
    main.write_text(nginx_main_conf(tmp_path, tmp_path / "site.conf"))
    done = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(main), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_make_test_leaves_the_smoke_test_to_make_smoke():
    makefile = (ROOT / "Makefile").read_text()
    suite = re.search(r"^\t\$\(VENV\)/bin/pytest -n 2 .*$", makefile, re.M)
    assert suite and "--ignore=tests/deploy" in suite[0]
    smoke = makefile.split("\nsmoke: install\n", 1)[1].split("\n\n", 1)[0]
    assert "LOM_SMOKE_SERVER=$(SMOKE_SERVER)" in smoke and "tests/deploy" in smoke
    assert "make smoke" in (ROOT / ".ci" / "run").read_text()
