"""The caller's in-app notifications: the list, marking them read, and which kinds come by
e-mail (and whether as a daily digest)."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, Limit, Page
from lom.decisions import selectors, services
from lom.decisions.api._common import actor_of
from lom.mail.kinds import KINDS

router = Router(tags=["decisions"])

KIND_PATTERN = "^(" + "|".join(KINDS) + ")$"
KIND_MAX = max(len(k) for k in KINDS)


class NotificationOut(Schema):
    id: int
    kind: str
    text: str = Field(description="The text in the request's language (Accept-Language)")
    code: str = Field(
        description="The system message's code; empty for a row stored as text by an older release"
    )
    params: dict[str, Any] = Field(
        description="The message's parameters; a translated one as {msgid: source text}"
    )
    url: str
    case_id: int | None
    created_at: datetime
    read_at: datetime | None


class MarkedReadOut(Schema):
    marked: int


class KindPreferenceOut(Schema):
    kind: str
    label: str
    email: bool


class PreferencesOut(Schema):
    email: list[KindPreferenceOut]
    digest: bool


class KindPreferenceIn(Schema):
    kind: str = Field(min_length=1, max_length=KIND_MAX, pattern=KIND_PATTERN)
    email: bool


class PreferencesIn(Schema):
    """Which kinds come by e-mail (a kind not listed keeps e-mail on), and whether as a daily
    digest (null: unchanged)."""

    email: list[KindPreferenceIn] = Field(max_length=len(KINDS))
    digest: bool | None = None


def _preferences(request: HttpRequest) -> PreferencesOut:
    current = selectors.notification_preferences(user=actor_of(request).user)
    return PreferencesOut(
        email=[
            KindPreferenceOut(kind=k, label=str(label), email=current.get(k, True))
            for k, label in KINDS.items()
        ],
        digest=current["digest"],
    )


@router.get("/notifications", response=Page[NotificationOut], summary="The caller's notifications")
def list_notifications(
    request: HttpRequest, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
) -> Page[NotificationOut]:
    rows, nxt = keyset_page(
        selectors.notifications_of(user=actor_of(request).user),
        cursor=cursor,
        limit=limit,
        order=("-created_at", "-id"),
    )
    return Page[NotificationOut](
        items=[
            NotificationOut(
                id=n.pk,
                kind=n.kind,
                text=n.shown,
                code=n.code,
                params=n.params,
                url=n.url,
                case_id=n.case_id,
                created_at=n.created_at,
                read_at=n.read_at,
            )
            for n in rows
        ],
        next_cursor=nxt,
    )


@router.post(
    "/notifications/read",
    response=MarkedReadOut,
    summary="Mark every unread notification of the caller read",
)
def mark_notifications_read(request: HttpRequest) -> MarkedReadOut:
    return MarkedReadOut(marked=services.notifications_mark_read(actor=actor_of(request)))


@router.get(
    "/notifications/preferences",
    response=PreferencesOut,
    summary="Which notifications the caller gets by e-mail",
)
def get_notification_preferences(request: HttpRequest) -> PreferencesOut:
    return _preferences(request)


@router.put(
    "/notifications/preferences",
    response=PreferencesOut,
    summary="Choose which notifications come by e-mail, and whether as a daily digest",
)
def set_notification_preferences(request: HttpRequest, payload: PreferencesIn) -> PreferencesOut:
    services.notification_preferences_save(
        actor=actor_of(request),
        email={p.kind: p.email for p in payload.email},
        digest=payload.digest,
    )
    return _preferences(request)
