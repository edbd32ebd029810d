# The reports app's ReportSettings moves to funds as ForecastSettings. The table stays where it
# is (db_table "reports_reportsettings"): this only changes Django's model state.

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('funds', '0003_bounded_input'),
        ('organisations', '0001_initial'),
        ('reports', '0002_bounded_input'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ForecastSettings',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('unused_warning_percent', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='varna när prognosen för outnyttjade medel överstiger (procent)')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('organisation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='forecast_settings', to='organisations.organisation')),
                    ],
                    options={
                        'verbose_name': 'prognosinställningar',
                        'verbose_name_plural': 'prognosinställningar',
                        'db_table': 'reports_reportsettings',
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
