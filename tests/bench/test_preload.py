"""gunicorn preloads the application wherever LOM's app servers start: deploy/lom (which the
systemd units and the compose services run), and the container image."""

import runpy
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def web_command() -> list[str]:
    text = (ROOT / "deploy" / "lom").read_text()
    block = text.split("  web)", 1)[1].split(";;", 1)[0]
    return shlex.split(block.replace("\\\n", " "), comments=True)


def test_deploy_lom_starts_gunicorn_preloaded_with_its_config():
    cmd = web_command()
    assert "--preload" in cmd
    assert cmd[cmd.index("--config") + 1] == "deploy/gunicorn.conf.py"


def test_the_config_preloads_and_the_image_carries_it():
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["preload_app"] is True
    assert "deploy/gunicorn.conf.py" in (ROOT / "deploy" / "Containerfile").read_text()


def test_the_master_warms_nothing_without_preload():
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))

    class Cfg:
        preload_app = False

    class Server:
        cfg = Cfg

    assert config["when_ready"](Server) is None  # returns before importing anything
