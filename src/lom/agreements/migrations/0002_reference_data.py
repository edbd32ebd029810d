from django.db import migrations


def load(apps, schema_editor):
    from lom.agreements.reference_data import ensure_reference_data

    ensure_reference_data(apps.get_model("agreements", "MeasureType"),
                          apps.get_model("agreements", "ContributionRate"))


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
