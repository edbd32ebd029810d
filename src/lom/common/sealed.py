"""A sealed document: a record whose result is frozen as a PDF, stored once with its SHA-256,
with who sealed it and when (the signed minutes of a meeting, the locked result of a workshop).

- `SealedDocument`: the abstract model mixin with the four fields. Each model keeps its own
  column names (`SEAL_COLUMNS`), so adopting the mixin changes no table.
- `seal_document()`: render → store → checksum → sealed_at/sealed_by, once.
- `sealed_document_response()`: serves the stored file after checking it still matches its
  checksum (or a preview rendered on the fly while the document is not sealed)."""

import hashlib
import logging
from collections.abc import Callable
from typing import Any, ClassVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lom.common.errors import DomainError

logger = logging.getLogger(__name__)

PDF = "application/pdf"


class _SealColumn:
    """A field of the mixin that takes its column name from the model's `SEAL_COLUMNS`, and
    deconstructs as the plain Django field (migrations need no import of this module)."""

    def contribute_to_class(self, cls, name, *args, **kwargs):
        if not cls._meta.abstract:
            self.db_column = cls.SEAL_COLUMNS.get(name, self.db_column)
        super().contribute_to_class(cls, name, *args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        base = next(b for b in type(self).__mro__ if b.__module__.startswith("django.db"))
        return name, f"django.db.models.{base.__name__}", args, kwargs


class _SealFile(_SealColumn, models.FileField):
    def contribute_to_class(self, cls, name, *args, **kwargs):
        if not cls._meta.abstract:
            self.upload_to = cls.SEAL_UPLOAD_TO
        super().contribute_to_class(cls, name, *args, **kwargs)


class _SealSha(_SealColumn, models.CharField):
    pass


class _SealAt(_SealColumn, models.DateTimeField):
    pass


class _SealBy(_SealColumn, models.ForeignKey):
    pass


class SealedDocument(models.Model):
    """Mixin for a model whose result is sealed once as a PDF. Subclasses set `SEAL_UPLOAD_TO`
    (a folder under MEDIA_ROOT, ending in '/') and may set `SEAL_COLUMNS` (field name →
    existing column name)."""

    SEAL_UPLOAD_TO: ClassVar[str] = "sealed/"
    SEAL_COLUMNS: ClassVar[dict[str, str]] = {}

    sealed_file = _SealFile(upload_to="sealed/", blank=True)
    sealed_sha256 = _SealSha(max_length=64, blank=True)
    sealed_at = _SealAt(null=True, blank=True)
    sealed_by = _SealBy(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def is_sealed_document(self) -> bool:
        return bool(self.sealed_sha256)


def seal_document(
    doc: SealedDocument, *, by: Any, render: Callable[[], bytes], filename: str
) -> str:
    """Seal `doc` once: who and when first (the PDF shows them), then the PDF rendered, stored
    and its SHA-256 kept; the row is saved. Refuses a document that is already sealed. The
    caller sets its own status before, so the PDF shows the final state. Returns the SHA-256."""
    if doc.sealed_sha256 or doc.sealed_file:
        raise DomainError(_("Dokumentet är redan låst och kan inte låsas igen."), code="sealed")
    doc.sealed_by = by
    doc.sealed_at = timezone.now()
    pdf = render()
    doc.sealed_sha256 = hashlib.sha256(pdf).hexdigest()
    doc.sealed_file.save(filename, ContentFile(pdf), save=False)
    doc.save()
    return doc.sealed_sha256


def _stored_sha256(doc: SealedDocument) -> str:
    digest = hashlib.sha256()
    with doc.sealed_file.open("rb") as f:
        for chunk in iter(lambda: f.read(64 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sealed_document_response(
    doc: SealedDocument, *, filename: str, preview: Callable[[], bytes]
) -> HttpResponseBase:
    """The sealed PDF as a download, after checking that the stored file still matches its
    checksum (409 and a logged error when not). An unsealed document answers a preview,
    rendered now and named as a draft."""
    if not doc.sealed_file:
        response = HttpResponse(preview(), content_type=PDF)
        response["Content-Disposition"] = f'attachment; filename="utkast-{filename}"'
        return response
    if _stored_sha256(doc) != doc.sealed_sha256:
        logger.error(
            "Sealed file %s of %s %s does not match its SHA-256",
            doc.sealed_file.name,
            type(doc).__name__,
            doc.pk,
        )
        return HttpResponse(str(BROKEN_SEAL), status=409, content_type="text/plain; charset=utf-8")
    return FileResponse(
        doc.sealed_file.open("rb"), as_attachment=True, filename=filename, content_type=PDF
    )


BROKEN_SEAL = gettext_lazy(
    "Den lagrade filen stämmer inte med sin kontrollsumma. Kontakta systemförvaltningen."
)
