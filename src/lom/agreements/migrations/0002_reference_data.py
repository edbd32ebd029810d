from django.db import migrations


def load(apps, schema_editor):
    from lom.agreements.reference_data import CONTRIBUTION_RATES, MEASURE_TYPES

    MeasureType = apps.get_model("agreements", "MeasureType")
    ContributionRate = apps.get_model("agreements", "ContributionRate")
    for i, (code, name, description) in enumerate(MEASURE_TYPES):
        MeasureType.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": i})
    for name, percent, valid_from, valid_to in CONTRIBUTION_RATES:
        ContributionRate.objects.get_or_create(
            name=name, defaults={"percent": percent, "valid_from": valid_from,
                                 "valid_to": valid_to})


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
