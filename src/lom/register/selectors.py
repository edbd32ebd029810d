"""Reads for the staff register import: saved mappings, runs and their files."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lom.common.errors import DomainError
from lom.common.files import iter_table
from lom.organisations.models import Organisation
from lom.register.fields import header_row, mapping_complete, suggest_columns
from lom.register.models import ColumnMapping, ImportFile, ImportKind, ImportRun


def mapping_for(*, organisation: Organisation, kind: str) -> dict[str, str]:
    """The organisation's saved mapping for the kind ({field_key: column header}), else {}."""
    saved = ColumnMapping.objects.filter(organisation=organisation, kind=kind).first()
    return dict(saved.columns) if saved else {}


def runs_for(*, organisation: Organisation) -> QuerySet[ImportRun]:
    """The organisation's runs, newest first (without the files' bytes)."""
    return ImportRun.objects.filter(organisation=organisation).select_related(
        "created_by", "applied_by"
    )


def run_get(*, organisation: Organisation, pk: int) -> ImportRun:
    """One run of the organisation; another organisation's run does not exist here."""
    return ImportRun.objects.get(organisation=organisation, pk=pk)


def run_files(*, run: ImportRun) -> QuerySet[ImportFile]:
    """The run's files without their bytes."""
    return ImportFile.objects.filter(run=run).defer("data")


def run_file(*, run: ImportRun, kind: str) -> ImportFile:
    """One file of the run, with its bytes (a download of what was imported)."""
    return ImportFile.objects.get(run=run, kind=kind)


def file_headers(*, file_name: str, data: bytes) -> list[str]:
    """The header row of an export file, for the mapping form."""
    first = next(iter_table(data=data, name=file_name, max_rows=1), None)
    headers = header_row(first or [])
    if not headers:
        raise DomainError(_("Filen saknar rubrikrad."), field="file", code="no_header")
    return headers


def upload_columns(
    *, organisation: Organisation, kind: str, file_name: str, data: bytes
) -> tuple[dict[str, str] | None, bool]:
    """The columns to read a new file with: None for the saved mapping when it fits the file's
    headers, else the suggestion from the headers (which the upload then saves). Second:
    whether they are complete, or the person must choose. DomainError for an unreadable file."""
    headers = file_headers(file_name=file_name, data=data)
    saved = mapping_for(organisation=organisation, kind=kind)
    if saved and mapping_complete(kind=kind, headers=headers, columns=saved):
        return None, True
    suggested = suggest_columns(kind, headers)
    if mapping_complete(kind=kind, headers=headers, columns=suggested):
        return suggested, True
    return None, False


@dataclass(frozen=True)
class ColumnChoice:
    """One file of a run for the column mapping: its headers, and the columns to offer first
    (suggested from the headers, then the saved mapping, then what the file was read with)."""

    file: ImportFile
    headers: list[str]
    columns: dict[str, str]


def run_column_choices(*, organisation: Organisation, run: ImportRun) -> list[ColumnChoice]:
    """Per file of the run, in the order of the kinds. DomainError for an unreadable file."""
    order = {k: i for i, k in enumerate(ImportKind.values)}
    out = []
    for f in sorted(ImportFile.objects.filter(run=run), key=lambda f: order[f.kind]):
        headers = file_headers(file_name=f.file_name, data=bytes(f.data))
        columns = (
            suggest_columns(f.kind, headers)
            | mapping_for(organisation=organisation, kind=f.kind)
            | (f.columns or {})
        )
        out.append(ColumnChoice(file=f, headers=headers, columns=columns))
    return out
