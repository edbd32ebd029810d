"""Version 1 in force for every agreement that has none: its rules as the agreement's fields
hold them today (the signed agreement as it was entered), in force from its start."""

from django.db import migrations
from django.utils import timezone

# The rule fields as they were when this migration was written (`lom.agreements.rules`).
RULE_FIELDS = (
    "purpose_text",
    "exclusions",
    "excludes_ordinary_training",
    "allow_individual",
    "allow_with_manager",
    "allow_group",
    "allow_development_project",
    "requires_manager_endorsement",
    "cap_per_person_ore",
    "cap_per_application_ore",
    "decision_model",
    "quorum",
    "applicant_participation",
    "objection_days",
    "objection_answer_days",
    "reconsideration_days",
    "allows_carry_over",
    "follow_up_text",
)


def first_versions(apps, schema_editor):
    LocalAgreement = apps.get_model("agreements", "LocalAgreement")
    AgreementVersion = apps.get_model("agreements", "AgreementVersion")
    now = timezone.now()
    for a in LocalAgreement.objects.filter(versions__isnull=True).prefetch_related(
        "measure_types", "unions"
    ):
        rules = {name: getattr(a, name) for name in RULE_FIELDS}
        rules["measure_type_ids"] = sorted(m.pk for m in a.measure_types.all())
        rules["union_ids"] = sorted(u.pk for u in a.unions.all())
        AgreementVersion.objects.create(
            agreement=a,
            number=1,
            status="in_force",
            effective_from=a.valid_from,
            rules=rules,
            change_note="Det undertecknade avtalet, inlagt som det var när versioner infördes.",
            in_force_at=now,
        )


class Migration(migrations.Migration):
    dependencies = [("agreements", "0005_versions_quorum_deadlines")]
    operations = [migrations.RunPython(first_versions, migrations.RunPython.noop)]
