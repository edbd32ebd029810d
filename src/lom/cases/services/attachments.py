"""Attachments of a case, registered under its case number and in the organisation's register
of documents (diarium): at upload when the case has a number, else when it is submitted."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.cases.models import Attachment, Case, Status
from lom.cases.permissions import can_comment, require
from lom.common.audit import audit
from lom.common.errors import ConflictError
from lom.common.validation import validate_upload
from lom.diarium.models import Direction, DocumentKind, Secrecy
from lom.diarium.selectors import documents_of_target
from lom.diarium.services import document_register
from lom.organisations.access import Actor


def _attachment_register(att: Attachment, *, case: Case, by: User | None) -> None:
    # step: one attachment into the register (incoming from whoever handed it in; it may hold
    # the applicant's personal circumstances, so it is tried for secrecy before release).
    if documents_of_target(
        organisation_id=case.organisation_id,
        target_type=Attachment._meta.label_lower,
        target_id=att.pk,
    ).exists():
        return
    document_register(
        organisation_id=case.organisation_id,
        kind=DocumentKind.ATTACHMENT,
        title=_("Bilaga till %(n)s: %(name)s") % {"n": case.number, "name": att.original_name},
        target=att,
        party=str(att.uploaded_by),
        direction=Direction.INCOMING,
        secrecy=Secrecy.REVIEW,
        case_id=case.pk,
        case_number=case.number,
        by=by,
    )


def attachments_register(*, case: Case, by: User | None = None) -> None:
    # step: at submission, the attachments uploaded to the draft get their register number
    # under the case number and a registration in the diarium (those registered are skipped).
    for i, att in enumerate(case.attachments.select_related("uploaded_by").order_by("id"), 1):
        if not att.register_number:
            att.register_number = f"{case.number}:{i}"
            att.save(update_fields=["register_number"])
        _attachment_register(att, case=case, by=by)


def _register_attachments(case: Case, by: User | None = None) -> None:
    attachments_register(case=case, by=by)


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
    if case.number:
        _attachment_register(att, case=case, by=actor.user)
    audit(
        organisation_id=case.organisation_id,
        actor=actor.user,
        action="case.attachment",
        target=att,
        case=case,
        after={"name": att.original_name, "size": att.size, "register_number": att.register_number},
    )
    return att
