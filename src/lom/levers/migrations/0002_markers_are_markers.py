"""The outreach campaigns already carrying a levers campaign's marker are markers only (never
the public page's theme)."""

from django.db import migrations


def mark(apps, schema_editor):
    Campaign = apps.get_model("levers", "Campaign")
    OutreachCampaign = apps.get_model("outreach", "Campaign")
    ids = Campaign.objects.exclude(marker__isnull=True).values_list("marker_id", flat=True)
    OutreachCampaign.objects.filter(pk__in=list(ids)).update(is_marker=True)


class Migration(migrations.Migration):
    dependencies = [
        ("levers", "0001_initial"),
        ("outreach", "0003_campaign_is_marker"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
