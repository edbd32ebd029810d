from django.db import migrations


def seed(apps, schema_editor):
    from lom.support.reference import ensure_default_rules

    ensure_default_rules(apps.get_model("support", "EligibilityRule"))


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
