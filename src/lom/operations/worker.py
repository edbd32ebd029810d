"""The heartbeat of a task worker: a thread that writes the worker's WorkerHeartbeat row every
LOM_WORKER_HEARTBEAT_SECONDS while the worker runs tasks (however long one takes). When the
process dies the beats stop, and `tasks_requeue_lost` gives its running task back."""

import logging
import os
import socket
import threading

from django.db import connection
from django.utils import timezone

from lom.operations.models import WorkerHeartbeat
from lom.operations.services import heartbeat_beat, heartbeat_stop

logger = logging.getLogger("lom.operations.worker")


class Heartbeat:
    def __init__(self, *, worker_id: str, interval: float) -> None:
        self.worker_id = worker_id
        self.interval = interval
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lom-heartbeat", daemon=True)

    def beat(self) -> None:
        heartbeat_beat(
            worker_id=self.worker_id,
            role=WorkerHeartbeat.Role.WORKER,
            host=socket.gethostname(),
            pid=os.getpid(),
            started_at=self.started_at,
        )

    def start(self) -> None:
        self.beat()  # before the first task is claimed
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 5)
        heartbeat_stop(worker_id=self.worker_id)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    self.beat()
                except Exception:  # the database away for a moment: beat again next time
                    logger.exception("heartbeat of worker %s failed", self.worker_id)
        finally:
            connection.close()
