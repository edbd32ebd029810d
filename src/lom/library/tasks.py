"""Background work of the library (django-tasks; `manage.py db_worker` runs the queue)."""

from django_tasks import task


@task()
def embed_library_entry(entry_id: int) -> None:
    from lom.library.services import library_entry_embed

    library_entry_embed(entry_id=entry_id)
