from django.db import migrations


def load(apps, schema_editor):
    from lom.agreements.reference_data import ensure_measure_type_sectors

    ensure_measure_type_sectors(apps.get_model("agreements", "MeasureType"))


class Migration(migrations.Migration):
    dependencies = [("agreements", "0005_versions_quorum_deadlines")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
