# Shared by lom-backup and lom-restore (sourced, not run).
#
# Both read the same environment as the application: DATABASE_URL (PostgreSQL) and MEDIA_ROOT.
#   LOM_HOME    the LOM checkout or install (default: two folders above this script)
#   LOM_PYTHON  the Python that runs LOM (default: $LOM_HOME/.venv/bin/python, else python3)
# DJANGO_SETTINGS_MODULE and every other setting are passed on to manage.py unchanged.

set -euo pipefail

LOM_HOME="${LOM_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
if [[ -z "${LOM_PYTHON:-}" ]]; then
    if [[ -x "$LOM_HOME/.venv/bin/python" ]]; then
        LOM_PYTHON="$LOM_HOME/.venv/bin/python"
    else
        LOM_PYTHON="python3"
    fi
fi
MEDIA_ROOT="${MEDIA_ROOT:-$LOM_HOME/var/media}"
MANIFEST="manifest.txt"
DUMP="database.dump"
MEDIA_TAR="media.tar.gz"
MIGRATIONS="migrations.txt"

die() {
    echo "$(basename "$0"): $*" >&2
    exit 1
}

manage() {
    "$LOM_PYTHON" "$LOM_HOME/manage.py" "$@"
}

require_database_url() {
    [[ -n "${DATABASE_URL:-}" ]] || die "DATABASE_URL is not set (the application's PostgreSQL URL)"
    case "$DATABASE_URL" in
        postgres://* | postgresql://*) ;;
        *) die "DATABASE_URL must be a postgres:// or postgresql:// URL" ;;
    esac
}

# libpq reads postgres://user:password@host:port/name?sslmode=... itself: the URL is passed on
# as it is, to psql, pg_dump and pg_restore.
psql_q() {
    psql --no-psqlrc --quiet --tuples-only --no-align --set ON_ERROR_STOP=1 \
        --dbname="$DATABASE_URL" --command="$1"
}
