"""Attachments of a case, registered under its case number."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from lom.cases.models import Attachment, Case, Status
from lom.cases.permissions import can_comment, require
from lom.common.audit import audit
from lom.common.errors import ConflictError
from lom.common.validation import validate_upload
from lom.organisations.access import Actor


def _register_attachments(case: Case) -> None:
    for i, att in enumerate(case.attachments.order_by("id"), start=1):
        if not att.register_number:
            att.register_number = f"{case.number}:{i}"
            att.save(update_fields=["register_number"])


@transaction.atomic(durable=True)
def case_attachment_add(*, actor: Actor, case: Case, upload: UploadedFile) -> Attachment:
    verdict = can_comment(actor, case)
    require(verdict)
    if case.status in (Status.COMPLETED, Status.WITHDRAWN, Status.REJECTED):
        raise ConflictError(_("Ärendet är avslutat; bilagor kan inte läggas till."), field="file")
    name = upload.name or "bilaga"
    ext, content_type = validate_upload(upload)
    seq = case.attachments.count() + 1
    att = Attachment(
        case=case,
        original_name=name[:255],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=actor.user,
        register_number=f"{case.number}:{seq}" if case.number else "",
    )
    att.file.save(f"{seq}.{ext}", upload, save=False)
    att.save()
    audit(
        organisation_id=case.organisation_id,
        actor=actor.user,
        action="case.attachment",
        target=att,
        case=case,
        after={"name": att.original_name, "size": att.size, "register_number": att.register_number},
    )
    return att
