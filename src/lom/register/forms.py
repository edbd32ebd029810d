"""Forms of the register import pages: the upload (one file field per kind) and the column
mapping (one select per register field, the file's own headers as options)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lom.register.fields import FIELDS
from lom.register.models import ImportKind
from lom.register.services import UploadedExport

KIND_HELP = {
    ImportKind.UNITS: _("Kod, namn, överordnad enhets kod, chefens anställningsnummer."),
    ImportKind.EMPLOYEES: _(
        "Anställningsnummer, namn, e-post, enhetskod, SSYK, anställd från/till, "
        "sysselsättningsgrad, födelseår, kön."
    ),
    ImportKind.MONTHS: _("Anställningsnummer, månad, timmar per vecka och/eller inkomst."),
    ImportKind.PAYROLL: _("År och lönesumma."),
}
# The longest column header a mapping may name (the reader holds cells to 2,000 characters).
HEADER_MAX = 200


def max_bytes() -> int:
    return int(settings.LOM_REGISTER_MAX_BYTES)


def too_large_message() -> str:
    return str(_("Filen är större än %(m)d MB.") % {"m": max_bytes() // (1024 * 1024)})


class UploadForm(forms.Form):
    """One file field per kind; at least one file. The bytes are read here (up to the limit),
    so the view hands the service `UploadedExport`s."""

    units = forms.FileField(
        label=ImportKind.UNITS.label, required=False, help_text=KIND_HELP[ImportKind.UNITS]
    )
    employees = forms.FileField(
        label=ImportKind.EMPLOYEES.label,
        required=False,
        help_text=KIND_HELP[ImportKind.EMPLOYEES],
    )
    months = forms.FileField(
        label=ImportKind.MONTHS.label, required=False, help_text=KIND_HELP[ImportKind.MONTHS]
    )
    payroll = forms.FileField(
        label=ImportKind.PAYROLL.label, required=False, help_text=KIND_HELP[ImportKind.PAYROLL]
    )
    full = forms.BooleanField(
        label=_("Personalfilen är fullständig"),
        required=False,
        initial=True,
        help_text=_(
            "Filen med medarbetare listar alla anställda: den som saknas i filen markeras som "
            "slutad (användaren inaktiveras, inget tas bort)."
        ),
    )

    def clean(self):
        data = super().clean()
        chosen = [k for k in ImportKind if data.get(k.value)]
        if not chosen and not self.errors:
            raise forms.ValidationError(_("Välj minst en fil."), code="required")
        exports = []
        for kind in chosen:
            upload = data[kind.value]
            if upload.size is not None and upload.size > max_bytes():
                self.add_error(kind.value, too_large_message())
                continue
            content = upload.read(max_bytes() + 1)
            if len(content) > max_bytes():
                self.add_error(kind.value, too_large_message())
                continue
            exports.append(
                UploadedExport(
                    kind=kind.value, file_name=upload.name or kind.value, data=content, columns=None
                )
            )
        data["exports"] = exports
        return data


class MappingForm(forms.Form):
    """The columns of one file: one select per register field (required ones marked), the
    file's headers as options; a header may hold one field only."""

    def __init__(
        self, *args, kind: str, headers: list[str], initial_columns: dict[str, str], **kwargs
    ):
        kwargs.setdefault("prefix", kind)
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.file_headers = headers
        choices = [("", _("– ingen kolumn –"))] + [(h, h) for h in headers if h]
        for spec in FIELDS[kind]:
            chosen = initial_columns.get(spec.key, "")
            self.fields[spec.key] = forms.ChoiceField(
                label=spec.label,
                required=spec.required,
                choices=choices,
                initial=chosen if chosen in headers else "",
            )

    @property
    def kind_label(self) -> str:
        return str(ImportKind(self.kind).label)

    def clean(self):
        data = super().clean()
        seen: dict[str, str] = {}
        for key, header in list(data.items()):
            if not header:
                continue
            if header in seen:
                self.add_error(
                    key,
                    _("Kolumnen ”%(h)s” är redan vald för %(f)s.")
                    % {"h": header, "f": self.fields[seen[header]].label},
                )
            else:
                seen[header] = key
        return data

    def columns(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if v}
