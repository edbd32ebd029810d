"""Background work of the reports (django-tasks; `manage.py run_worker` runs the queue). The task
is defined in `lom.reports.services`, next to the work it runs and the service that queues it;
this module keeps its first path, which rows queued earlier still name."""

from lom.reports.services import build_annual_report

__all__ = ["build_annual_report"]
