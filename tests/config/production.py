"""The documented production environment, and running LOM in a subprocess with it."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent

# Passed through from the test process: where programs and the home directory are.
_KEEP = ("PATH", "HOME", "LANG", "TMPDIR", "VIRTUAL_ENV")


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """The minimal production environment docs/operations.md documents (DEBUG unset)."""
    env = {k: os.environ[k] for k in _KEEP if k in os.environ}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "lom.config.settings",
            "PYTHONPATH": str(ROOT / "src"),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "lom.example.se,127.0.0.1,localhost",
            "LOM_BASE_URL": "https://lom.example.se",
            "DATABASE_URL": database_url,
        }
    )
    env.update(extra)
    return env


def manage(
    env: dict[str, str], *args: str, stdin: str | None = None, timeout: int = 300
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
