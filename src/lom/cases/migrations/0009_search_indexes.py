"""Indexes for the case list's search, on PostgreSQL only (SQLite has neither and needs none
at its sizes; there this migration does nothing).

- (organisation, number varchar_pattern_ops): a term that looks like a case number is matched
  with `number LIKE 'term%'`. A btree in the database's collation serves LIKE only under the
  C collation; the pattern operator class compares bytes, so it serves the prefix in any
  collation (and `=` as well). A range (`number >= x AND number < x+1`) would use the plain
  index, but is only right where the collation orders case numbers byte-wise.
- GIN trigram index on UPPER(title): `title__icontains` is `UPPER(title::text) LIKE
  UPPER('%term%')` on PostgreSQL, which pg_trgm's `gin_trgm_ops` serves for terms of three
  characters or more. pg_trgm is a trusted extension from PostgreSQL 13: the database's owner
  (or a role with CREATE on the database) may create it; a superuser may create it beforehand
  (`CREATE EXTENSION pg_trgm;`), then this migration only uses it."""

from django.db import migrations

NUMBER_INDEX = "cases_case_org_number_pattern"
TITLE_INDEX = "cases_case_title_upper_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NUMBER_INDEX} ON cases_case "
        "(organisation_id, number varchar_pattern_ops)"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TITLE_INDEX} ON cases_case "
        "USING gin (UPPER(title) gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {TITLE_INDEX}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {NUMBER_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_merge_letters_reconsideration")]

    operations = [migrations.RunPython(forwards, backwards)]
