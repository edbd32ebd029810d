"""The settings of the processes the operations tests start: the test settings with the
database task backend, so `run_worker` has tasks to take."""

from lom.config.test_settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
