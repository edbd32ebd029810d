"""Background work of the sector benchmark (django-tasks; `manage.py run_worker` runs it). The
task is defined in `lom.sector.services`, next to the work it runs and the service that queues
it; this module keeps its first path, which rows queued earlier still name."""

from lom.sector.services import refresh_benchmark_task

__all__ = ["refresh_benchmark_task"]
