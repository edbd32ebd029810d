"""API schemas every router shares."""

from ninja import Schema


class ErrorOut(Schema):
    """A refusal: what went wrong (for the user), the field it concerns, and a stable code."""

    detail: str
    field: str | None = None
    code: str = "invalid"
