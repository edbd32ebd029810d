"""What happens on a case besides its workflow: comments, attachments, expenses, history."""

from django.http import FileResponse
from ninja import File, Status, UploadedFile

from lom.cases import services
from lom.cases.api.cases import named_as_in_api
from lom.cases.api.router import router
from lom.cases.api.schemas import (
    CaseAttachmentOut,
    CaseCommentIn,
    CaseCommentOut,
    CaseEventOut,
    CaseExpenseIn,
    CaseExpenseOut,
)
from lom.cases.models import Attachment, Comment
from lom.cases.selectors import (
    attachment_get_for_actor,
    case_events,
    case_get_for_actor,
    case_spent,
    event_label,
)
from lom.common.history import event_sentence
from lom.common.models import AuditEvent
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, ErrorOut, Id, Limit, Page

BINARY = {"schema": {"type": "string", "format": "binary"}}


def _comment_out(c: Comment) -> CaseCommentOut:
    return CaseCommentOut(
        id=c.pk, author_id=c.author_id, author=str(c.author), text=c.text, created_at=c.created_at
    )


def _event_out(e: AuditEvent) -> CaseEventOut:
    before, after = e.before or {}, e.after or {}
    return CaseEventOut(
        id=e.pk,
        code=e.action,
        label=event_label(e.action),
        text=event_sentence(e.action, e.target_type, before, after),
        actor_id=e.actor_id,
        actor=str(e.actor) if e.actor is not None else None,
        at=e.at,
        status_before=before.get("status"),
        status_after=after.get("status"),
        note=e.note,
    )


@router.get(
    "/attachments/{attachment_id}",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file as it was uploaded.",
                "content": {"application/octet-stream": BINARY},
            }
        }
    },
    summary="Download an attachment of a case",
)
def download_attachment(request, attachment_id: Id) -> FileResponse:
    att = attachment_get_for_actor(actor=request.api_actor, pk=attachment_id)
    return FileResponse(
        att.file.open("rb"),
        as_attachment=True,
        filename=att.original_name,
        content_type=att.content_type,
    )


@router.get(
    "/{case_id}/comments", response=Page[CaseCommentOut], summary="List the comments on a case"
)
def list_comments(
    request, case_id: Id, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
) -> Page[CaseCommentOut]:
    """Oldest first, as on the case's page."""
    case = case_get_for_actor(actor=request.api_actor, pk=case_id)
    qs = case.comments.select_related("author")
    rows, nxt = keyset_page(qs, cursor=cursor, limit=limit, order=("id",))
    return Page[CaseCommentOut](items=[_comment_out(c) for c in rows], next_cursor=nxt)


@router.post(
    "/{case_id}/comments",
    response={201: CaseCommentOut, 400: ErrorOut},
    summary="Comment on a case",
)
def add_comment(request, case_id: Id, payload: CaseCommentIn) -> Status:
    actor = request.api_actor
    case = case_get_for_actor(actor=actor, pk=case_id)
    comment = services.case_comment_add(actor=actor, case=case, text=payload.text)
    return Status(201, _comment_out(comment))


@router.get(
    "/{case_id}/attachments",
    response=Page[CaseAttachmentOut],
    summary="List the attachments of a case",
)
def list_attachments(
    request, case_id: Id, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
) -> Page[CaseAttachmentOut]:
    case = case_get_for_actor(actor=request.api_actor, pk=case_id)
    rows, nxt = keyset_page(case.attachments.all(), cursor=cursor, limit=limit, order=("id",))
    return Page[CaseAttachmentOut](
        items=[CaseAttachmentOut.model_validate(a) for a in rows], next_cursor=nxt
    )


@router.post(
    "/{case_id}/attachments",
    response={201: CaseAttachmentOut, 400: ErrorOut, 409: ErrorOut},
    summary="Upload an attachment to a case",
)
def add_attachment(request, case_id: Id, file: File[UploadedFile]) -> Status:
    """Multipart, the file in `file`. The same checks of type and size as the case's page;
    409 when the case is closed."""
    actor = request.api_actor
    case = case_get_for_actor(actor=actor, pk=case_id)
    att: Attachment = services.case_attachment_add(actor=actor, case=case, upload=file)
    return Status(201, CaseAttachmentOut.model_validate(att))


@router.post(
    "/{case_id}/expenses",
    response={201: CaseExpenseOut, 400: ErrorOut, 409: ErrorOut},
    summary="Record an actual cost of an approved case",
)
def add_expense(request, case_id: Id, payload: CaseExpenseIn) -> Status:
    """Coordinators only. 409 unless the case is approved or in progress."""
    actor = request.api_actor
    case = case_get_for_actor(actor=actor, pk=case_id)
    with named_as_in_api():
        case = services.case_record_expense(
            actor=actor, case=case, amount_ore=payload.amount_ore, memo=payload.memo
        )
    return Status(
        201,
        CaseExpenseOut(
            case_id=case.pk,
            amount_ore=payload.amount_ore,
            memo=payload.memo,
            approved_ore=case.approved_ore,
            spent_ore=case_spent(case=case),
        ),
    )


@router.get("/{case_id}/history", response=Page[CaseEventOut], summary="The history of a case")
def case_history(
    request, case_id: Id, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
) -> Page[CaseEventOut]:
    """The case's events, oldest first, as its page shows them; `label` in the caller's
    language."""
    case = case_get_for_actor(actor=request.api_actor, pk=case_id)
    rows, nxt = keyset_page(case_events(case=case), cursor=cursor, limit=limit, order=("id",))
    return Page[CaseEventOut](items=[_event_out(e) for e in rows], next_cursor=nxt)
