"""Writes of the sector benchmark: (re)computing the cache of one year."""

from __future__ import annotations

import time
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from lom.sector.compute import compute_year
from lom.sector.models import BenchmarkRun, BenchmarkValue

# A refresh asked for within this time is not queued again.
REQUEST_DEBOUNCE = timedelta(minutes=10)


def benchmark_refresh(*, year: int) -> BenchmarkRun:
    """Compute the whole installation for `year` and replace the cached values in one
    transaction, so readers see either the old or the new set, never half of each."""
    started = time.perf_counter()
    values = compute_year(year=year)
    seconds = time.perf_counter() - started
    with transaction.atomic(durable=True):
        run, _created = BenchmarkRun.objects.select_for_update().get_or_create(year=year)
        BenchmarkValue.objects.filter(run=run).delete()
        BenchmarkValue.objects.bulk_create(
            [
                BenchmarkValue(
                    run=run,
                    organisation_id=v.organisation_id,
                    kind=v.kind,
                    size_band=v.size_band,
                    metric=v.metric,
                    cell=v.cell,
                    value=v.value,
                    own_hidden=v.own_hidden,
                )
                for v in values
            ],
            batch_size=2000,
        )
        run.computed_at = timezone.now()
        run.seconds = round(time.perf_counter() - started, 3)
        run.organisations = len({v.organisation_id for v in values})
        run.save(update_fields=["computed_at", "seconds", "organisations"])
    run.compute_seconds = seconds  # type: ignore[attr-defined]
    return run


@transaction.atomic(durable=True)
def benchmark_request_refresh(*, year: int, force: bool = False) -> bool:
    """Queue a background refresh of `year` unless one was queued a moment ago. The claim is
    a conditional update, so two requests at the same instant queue it once; the task is
    queued when the claim is committed."""
    now = timezone.now()
    run, _created = BenchmarkRun.objects.get_or_create(year=year)
    claim = BenchmarkRun.objects.filter(pk=run.pk)
    if not force:
        claim = claim.filter(
            Q(requested_at__isnull=True) | Q(requested_at__lt=now - REQUEST_DEBOUNCE)
        )
    if not claim.update(requested_at=now):
        return False
    transaction.on_commit(lambda: refresh_benchmark_task.enqueue(year=year))
    return True


@task()
def refresh_benchmark_task(year: int) -> int:  # batch: the background task
    """The background refresh (django-tasks; `manage.py run_worker` runs it). It sits next to
    the work it runs, so queueing it needs no import upwards."""
    return benchmark_refresh(year=year).organisations
