"""Checks that several apps' services share: permission verdicts, required text, uploads."""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from lom.common.errors import DomainError, PermissionDeniedError

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
