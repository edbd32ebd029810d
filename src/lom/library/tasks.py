"""Background work of the library (django-tasks; `manage.py run_worker` runs the queue). The task
is defined next to the service it runs (lom.library.services) and re-exported here under its
old name."""

from lom.library.services import embed_library_entry

__all__ = ["embed_library_entry"]
