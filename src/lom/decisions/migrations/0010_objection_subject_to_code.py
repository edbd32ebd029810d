"""Objections whose subject LOM named (older releases stored the sentence, in the raiser's
language) get the code instead, when the sentence is the default for exactly that objection
(the same case number, a decision or not); any other subject is kept as it was written."""

from django.db import migrations

AGREEMENT = ("Tillämpningen av avtalet", "The application of the agreement")
DECISION = ("Beslut i ärende ", "Decision in case ")
CASE = ("Ärende ", "Case ")


def forwards(apps, schema_editor):
    Objection = apps.get_model("decisions", "Objection")
    rows = Objection.objects.filter(subject_code="").select_related("case")
    for o in rows.iterator(chunk_size=500):
        number = o.case.number if o.case_id is not None else None
        code, params = "", {}
        if o.case_id is None and o.subject in AGREEMENT:
            code = "decisions.objection_subject_agreement"
        elif number and o.decision_id is not None and o.subject in [p + number for p in DECISION]:
            code, params = "decisions.objection_subject_decision", {"n": number}
        elif number and o.decision_id is None and o.subject in [p + number for p in CASE]:
            code, params = "decisions.objection_subject_case", {"n": number}
        if code:
            o.subject_code, o.subject_params, o.subject = code, params, ""
            o.save(update_fields=["subject_code", "subject_params", "subject"])


def backwards(apps, schema_editor):
    pass  # the subject is rendered from the code on display either way


class Migration(migrations.Migration):
    dependencies = [("decisions", "0009_objection_subject_code")]
    operations = [migrations.RunPython(forwards, backwards)]
