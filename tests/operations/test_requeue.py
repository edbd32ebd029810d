"""Lost tasks: a running task whose worker stopped beating goes back to the queue, is given up
after LOM_TASK_MAX_ATTEMPTS tries, and each step is recorded."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from lom.operations.models import OperationsEvent, WorkerHeartbeat
from lom.operations.services import WORKER_LOST, heartbeat_beat, tasks_requeue_lost


def running(*, worker_ids: list[str], started_seconds_ago: int) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status="RUNNING",
        args_kwargs={"args": [], "kwargs": {}},
        task_path="lom.mail.tasks.send_mail_queue_task",
        backend_name="default",
        run_after=get_date_max(),
        worker_ids=worker_ids,
        started_at=timezone.now() - timedelta(seconds=started_seconds_ago),
    )


def beat(worker_id: str, *, seconds_ago: int = 0) -> None:
    heartbeat_beat(worker_id=worker_id, role="worker", host="h", pid=1, started_at=timezone.now())
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(
        seen_at=timezone.now() - timedelta(seconds=seconds_ago)
    )


@pytest.fixture(autouse=True)
def limits(settings):
    settings.LOM_WORKER_LOST_AFTER_SECONDS = 60
    settings.LOM_TASK_MAX_ATTEMPTS = 3


def test_a_task_whose_worker_is_silent_goes_back_to_the_queue(db):
    beat("dead", seconds_ago=300)
    lost = running(worker_ids=["dead"], started_seconds_ago=600)
    no_beat_ever = running(worker_ids=["db_worker"], started_seconds_ago=600)

    result = tasks_requeue_lost()

    assert sorted(result.requeued) == sorted([str(lost.pk), str(no_beat_ever.pk)])
    lost.refresh_from_db()
    assert (lost.status, lost.started_at, lost.worker_ids) == ("READY", None, ["dead"])
    assert DBTaskResult.objects.ready().filter(pk=lost.pk).exists()
    event = OperationsEvent.objects.get(subject=f"task {lost.pk}")
    assert event.action == "task.lost_requeued"
    assert event.detail == {
        "task_path": "lom.mail.tasks.send_mail_queue_task",
        "worker_id": "dead",
        "attempts": 1,
    }


def test_a_task_of_a_live_worker_or_just_claimed_is_left_alone(db):
    beat("alive", seconds_ago=5)
    long_task = running(worker_ids=["dead", "alive"], started_seconds_ago=3600)
    just_claimed = running(worker_ids=["starting"], started_seconds_ago=10)

    assert tasks_requeue_lost().requeued == []

    for task in (long_task, just_claimed):
        task.refresh_from_db()
        assert task.status == "RUNNING"
    assert not OperationsEvent.objects.exists()


def test_after_the_last_try_the_task_fails_for_good(db, caplog):
    task = running(worker_ids=["a", "b", "c"], started_seconds_ago=600)

    result = tasks_requeue_lost()

    assert result.failed == [str(task.pk)] and result.requeued == []
    task.refresh_from_db()
    assert task.status == "FAILED" and task.finished_at is not None
    assert task.exception_class_path == WORKER_LOST
    assert "3 tries" in task.traceback and "worker c" in task.traceback
    assert OperationsEvent.objects.get().action == "task.lost_failed"
    assert "failed after 3 tries" in caplog.text
    # Run again: nothing more happens.
    assert tasks_requeue_lost().failed == []
