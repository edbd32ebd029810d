# The workshop's sealed PDF, checksum, time and sealer become the fields of
# lom.common.sealed.SealedDocument. The columns keep their names: only the state changes.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RenameField("workshop", "result_pdf", "sealed_file"),
                migrations.RenameField("workshop", "result_sha256", "sealed_sha256"),
                migrations.RenameField("workshop", "locked_at", "sealed_at"),
                migrations.RenameField("workshop", "locked_by", "sealed_by"),
                migrations.AlterField(
                    model_name="workshop",
                    name="sealed_file",
                    field=models.FileField(blank=True, db_column="result_pdf", upload_to="workshops/"),
                ),
                migrations.AlterField(
                    model_name="workshop",
                    name="sealed_sha256",
                    field=models.CharField(blank=True, db_column="result_sha256", max_length=64),
                ),
                migrations.AlterField(
                    model_name="workshop",
                    name="sealed_at",
                    field=models.DateTimeField(blank=True, db_column="locked_at", null=True),
                ),
                migrations.AlterField(
                    model_name="workshop",
                    name="sealed_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_column="locked_by_id",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
    ]
