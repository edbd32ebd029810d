"""The small periodic jobs the scheduler runs itself (`inline=True` in `schedule.JOBS`). Each
takes no arguments, reuses the service or the library function that does the work, and
returns a short summary for the job's record. Each is safe to run twice."""

from importlib import import_module
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.http import HttpRequest
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import task_backends

from lom.operations.services import operations_prune, tasks_requeue_lost
from lom.sector.services import benchmark_request_refresh


def requeue_lost_tasks() -> str:
    result = tasks_requeue_lost()
    return f"requeued {len(result.requeued)}, failed {len(result.failed)}"


def clear_expired_sessions() -> str:
    # What `manage.py clearsessions` does.
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
    return "expired sessions cleared"


def axes_clean_expired() -> str:
    # django-axes' own clean-up of attempts older than AXES_COOLOFF_TIME (the database
    # handler does the same at each sign-in; this catches users who never come back).
    from axes.handlers.database import AxesDatabaseHandler

    # Its threshold is the request's attempt time minus the cool-off; this request is "now".
    request = HttpRequest()
    request.axes_attempt_time = None  # type: ignore[attr-defined]
    removed = AxesDatabaseHandler().clean_expired_user_attempts(request)
    return f"{removed} expired attempts removed"


def prune_task_results() -> str:
    # django-tasks-db's own pruning, of every queue.
    if not isinstance(task_backends["default"], DatabaseBackend):
        return "no database task backend"
    out = StringIO()
    call_command(
        "prune_db_task_results",
        queue_name="*",
        min_age_days=settings.LOM_TASK_RESULT_KEEP_DAYS,
        stdout=out,
    )
    return out.getvalue().strip()[-200:] or "pruned"


def prune_operations() -> str:
    removed = operations_prune()
    return f"{removed['heartbeats']} heartbeats, {removed['job_runs']} job runs removed"


def benchmark_refresh() -> str:
    year = timezone.localdate().year
    for y in (year - 1, year):
        benchmark_request_refresh(year=y, force=True)
    return f"refresh of {year - 1} and {year} queued"
