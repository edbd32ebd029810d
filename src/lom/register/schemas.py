"""API schemas of the register import (/api/v1/register)."""

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema

from lom.register.models import ImportKind

Header = Annotated[str, Field(max_length=200)]
FieldKey = Annotated[str, Field(max_length=40)]


class FileOut(Schema):
    kind: ImportKind
    file_name: str
    checksum: str = Field(description="SHA-256 of the file as uploaded.")
    size: int
    rows: int
    url: str = Field(description="GET it to download the file again.")


class KindCountsOut(Schema):
    new: int = 0
    changed: int = 0
    leaving: int = 0
    unchanged: int = 0
    errors: int = Field(0, description="Row errors of this kind among those kept with the run.")
    ignored_columns: list[str] = Field(
        default_factory=list, description="Columns of the file no field is mapped to."
    )


class RunOut(Schema):
    id: int
    status: str
    progress: int = Field(description="Percent done of the preview or the apply.")
    full: bool
    apply_when_clean: bool
    total_rows: int
    counts: dict[str, KindCountsOut] = Field(description="Per file kind.")
    error_count: int
    message: str
    created_at: datetime
    previewed_at: datetime | None
    applied_at: datetime | None
    files: list[FileOut]
    status_url: str


class RowErrorOut(Schema):
    kind: str
    line: int = Field(description="Line in the file (1 is the header row; 0: the whole file).")
    column: str = ""
    message: str


class ChangeOut(Schema):
    kind: str
    change: str = Field(description="new, changed or leaving.")
    key: str
    label: str = ""
    fields: dict[str, list[Any]] = Field(
        default_factory=dict, description="Per field: [before, after]."
    )


class RunDetailOut(RunOut):
    offset: int
    limit: int
    errors: list[RowErrorOut]
    errors_stored: int = Field(description="Row errors kept with the run (the first ones).")
    changes: list[ChangeOut]
    changes_stored: int = Field(description="Changes kept with the run (the first ones).")


class ApplyIn(Schema):
    dry_run: bool = False


class FieldSpecOut(Schema):
    key: str
    label: str
    required: bool
    synonyms: list[str]


class ColumnMappingIn(Schema):
    columns: dict[FieldKey, Header] = Field(
        description="Register field → the column header in the file.", max_length=40
    )


class ColumnMappingOut(Schema):
    kind: ImportKind
    columns: dict[str, str]
    fields: list[FieldSpecOut] = Field(description="The fields of this kind of file.")


class ColumnsIn(Schema):
    columns: dict[ImportKind, dict[FieldKey, Header]] = Field(
        description="Per kind of file: register field → the column header in the file.",
        max_length=len(ImportKind.values),
    )


class FileColumnsOut(Schema):
    kind: ImportKind
    file_name: str
    headers: list[str] = Field(description="The file's header row.")
    columns: dict[str, str] = Field(
        description="The columns offered: suggested, then saved, then those it was read with."
    )
    used: dict[str, str] = Field(description="The columns the file was read with.")


class ColumnsOut(Schema):
    files: list[FileColumnsOut]
