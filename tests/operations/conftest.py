"""Real processes for the operations tests: a SQLite file migrated once per test session (a
subprocess runs `migrate`), copied fresh for each test, and a way to run `manage.py` against it
with the database task backend (what production runs)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


class Site:
    """One scratch database and the environment of the processes that use it."""

    def __init__(self, db_file: Path, workdir: Path) -> None:
        self.db_file = db_file
        self.workdir = workdir
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{db_file}",
            "DJANGO_SETTINGS_MODULE": "tests.operations.proc_settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            "LOM_WORKER_HEARTBEAT_SECONDS": "1",
            "LOM_WORKER_LOST_AFTER_SECONDS": "3",
            "PYTHONDONTWRITEBYTECODE": "1",
        }

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, str(ROOT / "manage.py"), *args]

    def manage(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run(
            self.argv(*args),
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def start(self, *args: str) -> subprocess.Popen:
        log = open(self.workdir / f"{args[0]}-{len(list(self.workdir.iterdir()))}.log", "w")  # noqa: SIM115
        return subprocess.Popen(
            self.argv(*args), env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )

    def shell(self, code: str) -> str:
        return self.manage("shell", "-v", "0", "-c", code).strip().splitlines()[-1]


@pytest.fixture(scope="session")
def migrated_file(tmp_path_factory) -> Path:
    db_file = tmp_path_factory.mktemp("opsdb") / "migrated.sqlite3"
    Site(db_file, db_file.parent).manage("migrate", "--noinput", "-v0", timeout=600)
    return db_file


@pytest.fixture
def site(migrated_file, tmp_path) -> Site:
    db_file = tmp_path / "lom.sqlite3"
    shutil.copy(migrated_file, db_file)
    workdir = tmp_path / "work"
    workdir.mkdir()
    return Site(db_file, workdir)
