"""The table of the shared cache (settings.CACHES: Django's database cache, table lom_cache).
Created whatever LOM_CACHE says now, so switching the cache on later needs no extra command;
the same code as `manage.py createcachetable`, which skips a table that already exists."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "lom_cache"


def create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("common", "0003_read_log")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
