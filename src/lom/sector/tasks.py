"""Background work of the sector benchmark (django-tasks; `manage.py db_worker` runs it)."""

from django_tasks import task


@task()
def refresh_benchmark_task(year: int) -> int:
    from lom.sector.services import benchmark_refresh

    return benchmark_refresh(year=year).organisations
