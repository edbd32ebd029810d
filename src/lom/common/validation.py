"""Checks every app's services share: permission verdicts, texts within their length, numbers
and amounts within their bounds, model fields within their limits and choices, uploads. The
API and the demo loaders bypass the forms, so the services hold every input to these."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Model
from django.utils.translation import gettext as _

from lom.common.bounds import MAX_AMOUNT_ORE
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.money import format_ore

# Accepted attachment types: extension -> (content type, magic bytes that must start the file)
ATTACHMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (b"PK\x03\x04",),
    ),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    "xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
}


def id_or_none(raw: str | None, *, digits: int = 12) -> int | None:
    """A non-negative integer written in ASCII digits (an id or a number from a link or a
    form), else None. `str.isdigit` also accepts '²' and other digits `int` refuses."""
    raw = (raw or "").strip()
    if raw and len(raw) <= digits and raw.isascii() and raw.isdecimal():
        return int(raw)
    return None


def require(verdict) -> None:
    """Raise the verdict's reason when it says no."""
    if not verdict:
        raise PermissionDeniedError(verdict.reason)


def required_text(value: str | None, *, field: str, message: str, max_length: int) -> str:
    """The stripped text; `message` when it is empty, a length message when it is too long."""
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    if len(value) > max_length:
        raise DomainError(_("Texten får vara högst %(n)d tecken.") % {"n": max_length}, field=field)
    return value


def optional_text(value: str | None, *, field: str, max_length: int) -> str:
    """The stripped text (may be empty), refused naming the field when it is too long."""
    value = (value or "").strip()
    text_within(value, field=field, max_length=max_length)
    return value


def text_within(value: str | None, *, field: str, max_length: int) -> None:
    """Refuse a text longer than `max_length` characters (None and empty pass)."""
    if value is not None and len(value) > max_length:
        raise DomainError(_("Texten får vara högst %(n)d tecken.") % {"n": max_length}, field=field)


def count_within(value: int | None, *, field: str, maximum: int, minimum: int = 0) -> None:
    """Refuse a number outside [minimum, maximum] (None passes)."""
    if value is not None and not minimum <= value <= maximum:
        raise DomainError(
            _("Ange ett tal från %(a)d till %(b)d.") % {"a": minimum, "b": maximum}, field=field
        )


def amount_too_large_message() -> str:
    """The refusal of an amount (or a sum) past MAX_AMOUNT_ORE."""
    return _("Beloppet är orimligt stort (högst %(m)s).") % {"m": format_ore(MAX_AMOUNT_ORE)}


def amount_within(value: int | None, *, field: str, allow_zero: bool = True) -> None:
    """Refuse a negative amount (or zero), or one past MAX_AMOUNT_ORE (None passes)."""
    if value is None:
        return
    if value < 0:
        raise DomainError(_("Beloppet kan inte vara negativt."), field=field)
    if value == 0 and not allow_zero:
        raise DomainError(_("Beloppet måste vara större än noll."), field=field)
    if value > MAX_AMOUNT_ORE:
        raise DomainError(amount_too_large_message(), field=field)


def fields_within(model: type[Model], values: Mapping[str, Any]) -> None:
    """Hold each text value to its model field: the field's max_length, and its choices when
    it has some. The field is named in the error."""
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        field = model._meta.get_field(name)
        max_length = getattr(field, "max_length", None)
        if max_length is not None:
            text_within(value, field=name, max_length=max_length)
        choices = getattr(field, "choices", None)
        if choices and value and value not in {str(c[0]) for c in choices}:
            raise DomainError(_("Okänt värde."), field=name)


def validate_upload(upload: UploadedFile) -> tuple[str, str]:
    """Allowed type, size limit, and content that matches the type: (extension, content type)."""
    name = upload.name or "bilaga"
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ATTACHMENT_TYPES:
        raise DomainError(
            _("Filtypen stöds inte. Tillåtna typer: %(t)s.")
            % {"t": ", ".join(sorted(ATTACHMENT_TYPES))},
            field="file",
        )
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise DomainError(
            _("Filen är för stor. Största tillåtna storlek är %(m)d MB.")
            % {"m": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)},
            field="file",
        )
    content_type, magics = ATTACHMENT_TYPES[ext]
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise DomainError(
            _("Filens innehåll stämmer inte med filtypen .%(e)s.") % {"e": ext}, field="file"
        )
    return ext, content_type
