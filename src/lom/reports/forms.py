from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lom.cases.models import Decision
from lom.common.bounds import COMMENT_MAX
from lom.followup.models import LATER_MONTHS_MAX, REMINDER_DAYS_MAX
from lom.reports.models import FIRST_YEAR, ReportJob


def year_choices() -> list[tuple[int, str]]:
    this_year = timezone.localdate().year
    return [(y, str(y)) for y in range(this_year, FIRST_YEAR - 1, -1)]


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("År"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()[:15]


class AnnualReportForm(YearForm):
    format = forms.ChoiceField(
        label=_("Format"), choices=ReportJob.Format.choices, widget=forms.RadioSelect
    )


class SettingsForm(forms.Form):
    unused_warning_percent = forms.IntegerField(
        label=_("Varna när prognosen för outnyttjade medel överstiger (procent)"),
        min_value=0,
        max_value=100,
        help_text=_("Gäller prognosen på fondsidorna, i översikten och i rapporterna."),
    )
    later_months = forms.IntegerField(
        label=_("Andra uppföljningen, antal månader efter avslut"),
        min_value=0,
        max_value=LATER_MONTHS_MAX,
        help_text=_("Som det lokala avtalet säger, t.ex. 12. 0 betyder ingen andra uppföljning."),
    )
    survey_reminder_days = forms.IntegerField(
        label=_("Påminnelse om enkäten, antal dagar efter avslut"),
        min_value=1,
        max_value=REMINDER_DAYS_MAX,
    )


class DecisionFilterForm(forms.Form):
    q = forms.CharField(label=_("Sök diarienummer eller rubrik"), required=False, max_length=100)
    year = forms.TypedChoiceField(label=_("År"), coerce=int, required=False, empty_value=None)
    outcome = forms.ChoiceField(label=_("Beslut"), required=False)
    page = forms.IntegerField(
        required=False, min_value=1, max_value=10000, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Alla år")), *year_choices()[:15]]
        self.fields["outcome"].choices = [("", _("Alla")), *Decision.Outcome.choices]


class AnnualCommentForm(forms.Form):
    text = forms.CharField(
        label=_("Kommentar"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Visas under avsnittets rubrik i PDF-filen och ovanför tabellerna i Excel."),
    )
