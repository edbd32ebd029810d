# ReportSettings now lives in funds as ForecastSettings (funds 0004); the table is kept, only
# the reports app's model state forgets it.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0002_bounded_input'),
        ('funds', '0004_forecastsettings'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ReportSettings')],
            database_operations=[],
        ),
    ]
