"""Backup and restore on a real PostgreSQL server, through the operator's scripts
(deploy/backup/lom-backup and lom-restore): a scratch database is migrated and filled, backed
up, dropped with its stored files, restored; then the integrity check passes and a user signs in
with their password. A backup changed by one byte is refused before anything is touched.

PostgreSQL only (deselected on SQLite, see tests/conftest.py): needs pg_dump, pg_restore and
psql on PATH, and a DATABASE_URL whose user may create databases."""

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from tests.operations.integrity_world import PASSWORD

pytestmark = pytest.mark.postgres

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = REPO / "deploy" / "backup"
# The test settings, with the stored files in the folder the scripts are given.
SETTINGS = """\
import os
from lom.config.test_settings import *  # noqa: F403

MEDIA_ROOT = os.environ["MEDIA_ROOT"]
"""
BUILD = """\
import json
import django
django.setup()
from tests.operations.integrity_world import build
w = build("arkiv")
print(json.dumps({
    "username": w.world.coordinator.username,
    "meeting": w.meeting.pk,
    "sealed_file": w.meeting.sealed_file.name,
    "attachment": w.attachment.file.name,
}))
"""
SIGN_IN = """\
import sys
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
assert not client.login(username=sys.argv[1], password=sys.argv[2] + "x"), "a wrong password"
assert client.login(username=sys.argv[1], password=sys.argv[2]), "the right password"
response = client.get("/", follow=True)
assert response.status_code == 200, response.status_code
assert response.wsgi_request.user.username == sys.argv[1]
print("signed in")
"""


def _admin_conninfo(url: str) -> str:
    return make_conninfo(url, dbname="postgres")


def _database_exists(url: str, name: str) -> bool:
    with psycopg.connect(_admin_conninfo(url), autocommit=True) as conn:
        row = conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone()
    return row is not None


def _drop(url: str, name: str) -> None:
    with psycopg.connect(_admin_conninfo(url), autocommit=True) as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
        )


@pytest.fixture
def scratch(tmp_path):
    """A database of its own on the server of DATABASE_URL (dropped at the end), a media
    folder, and the environment the application and the scripts run with."""
    missing = [p for p in ("pg_dump", "pg_restore", "psql") if shutil.which(p) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not found: apt-get install postgresql-client")
    server_url = os.environ["DATABASE_URL"]
    name = f"lom_restore_{secrets.token_hex(4)}"
    with psycopg.connect(_admin_conninfo(server_url), autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    url = urlsplit(server_url)._replace(path=f"/{name}").geturl()
    (tmp_path / "restore_settings.py").write_text(SETTINGS)
    media = tmp_path / "media"
    media.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(media),
        "DJANGO_SETTINGS_MODULE": "restore_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO), str(REPO / "src")]),
        "LOM_HOME": str(REPO),
        "LOM_PYTHON": sys.executable,
    }
    try:
        yield {"url": url, "name": name, "media": media, "env": env, "tmp": tmp_path}
    finally:
        _drop(url, name)


def run(env, *args, check=True) -> subprocess.CompletedProcess:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600, cwd=REPO)
    if check:
        assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done


def manage(env, *args, check=True) -> subprocess.CompletedProcess:
    return run(env, sys.executable, str(REPO / "manage.py"), *args, check=check)


def test_backup_drop_restore_then_integrity_and_sign_in(scratch):
    env, media = scratch["env"], scratch["media"]
    manage(env, "migrate", "--noinput")
    built = json.loads(run(env, sys.executable, "-c", BUILD).stdout.strip().splitlines()[-1])
    sealed = media / built["sealed_file"]
    sealed_bytes = sealed.read_bytes()
    assert sealed_bytes.startswith(b"%PDF") and (media / built["attachment"]).is_file()

    # Back up: a new directory with the dump, the files and the manifest of their checksums.
    dest = scratch["tmp"] / "backups"
    done = run(env, str(SCRIPTS / "lom-backup"), "--stamp", "drill", str(dest))
    backup = Path(done.stdout.strip().splitlines()[-1])
    assert backup == dest / "lom-drill"
    manifest = (backup / "manifest.txt").read_text()
    assert "lom_version: " in manifest and "\nmigration_head: " in manifest
    head = next(line for line in manifest.splitlines() if line.startswith("migration_head: "))
    assert "." in head.removeprefix("migration_head: ")  # app.name of the last migration
    for part in ("database.dump", "media.tar.gz", "migrations.txt"):
        assert f"  {part}\n" in manifest
    # A backup is never overwritten.
    again = run(env, str(SCRIPTS / "lom-backup"), "--stamp", "drill", str(dest), check=False)
    assert again.returncode == 1 and "never overwritten" in again.stderr

    # The disaster: the database and the stored files are gone.
    _drop(scratch["url"], scratch["name"])
    shutil.rmtree(media)
    assert not _database_exists(scratch["url"], scratch["name"])

    # A copy of the backup with one byte changed is refused before anything is touched
    # (--force or not): the database is not even created.
    tampered = scratch["tmp"] / "tampered"
    shutil.copytree(backup, tampered)
    dump = bytearray((tampered / "database.dump").read_bytes())
    dump[len(dump) // 2] ^= 0xFF
    (tampered / "database.dump").write_bytes(bytes(dump))
    refused = run(env, str(SCRIPTS / "lom-restore"), "--force", str(tampered), check=False)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "does not match its manifest" in refused.stderr
    assert not _database_exists(scratch["url"], scratch["name"]) and not media.exists()

    # Restore: database created, dump restored, files back, migrate, integrity check.
    restored = run(env, str(SCRIPTS / "lom-restore"), str(backup))
    assert "Integrity: OK" in restored.stdout
    assert sealed.read_bytes() == sealed_bytes
    result = json.loads(manage(env, "verify_integrity", "--json").stdout)
    assert result["ok"] is True, result["problems"]
    checked = result["checked"]
    # The signed minutes and the decision letter of the approved case; the case's attachment.
    assert checked["sealed_documents"] == 2 and checked["files"] == 1
    assert checked["fund_periods"] == 2 and checked["ledger_entries"] == 4
    assert checked["pots"] == 2

    # A person signs in with their password (the hash came back with the database).
    signed_in = run(env, sys.executable, "-c", SIGN_IN, built["username"], PASSWORD)
    assert "signed in" in signed_in.stdout

    # A restore over a database in use is refused without --force ...
    busy = run(env, str(SCRIPTS / "lom-restore"), str(backup), check=False)
    assert busy.returncode == 1 and "holds" in busy.stderr and "--force" in busy.stderr
    # ... and so is a damaged backup with --force: the restored database is left as it was.
    refused = run(env, str(SCRIPTS / "lom-restore"), "--force", str(tampered), check=False)
    assert refused.returncode == 1 and "does not match its manifest" in refused.stderr
    # With --force a sound backup replaces what is there.
    forced = run(env, str(SCRIPTS / "lom-restore"), "--force", str(backup))
    assert "Integrity: OK" in forced.stdout
    assert json.loads(manage(env, "verify_integrity", "--json").stdout)["checked"] == checked

    # Retention: a newer backup with --keep 1 removes the older one.
    run(env, str(SCRIPTS / "lom-backup"), "--keep", "1", "--stamp", "later", str(dest))
    assert sorted(p.name for p in dest.iterdir()) == ["lom-later"]
