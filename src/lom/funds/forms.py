from django import forms
from django.utils.translation import gettext_lazy as _

from lom.agreements.models import ContributionRate
from lom.common.bounds import SHORT_TEXT_MAX
from lom.common.fields import DateInput, KronorField
from lom.funds.models import EntryKind, FundPeriod


class FundPeriodForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=100, help_text=_("T.ex. ”LOM 2027”."))
    start = forms.DateField(label=_("Från"), widget=DateInput())
    end = forms.DateField(label=_("Till"), widget=DateInput())
    method = forms.ChoiceField(
        label=_("Tilldelning"), choices=FundPeriod.Method.choices, widget=forms.RadioSelect
    )
    payroll = KronorField(label=_("Lönesumma (kr)"), required=False, allow_zero=False)
    rate = forms.ModelChoiceField(
        label=_("Avsättningsnivå"), required=False, queryset=ContributionRate.objects.all()
    )
    fixed_amount = KronorField(label=_("Fast belopp (kr)"), required=False, allow_zero=False)
    previous = forms.ModelChoiceField(
        label=_("Föregående period"), required=False, queryset=FundPeriod.objects.none()
    )
    carry_over = forms.BooleanField(
        label=_("För över det som är kvar från föregående period"),
        required=False,
        help_text=_("Överföringen bokförs när föregående period stängs."),
    )

    def __init__(self, *args, organisation, payroll_year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if payroll_year is not None:
            self.fields["payroll"].help_text = _(
                "Ifylld från personalregistret: lönesumman för %(year)d."
            ) % {"year": payroll_year}
        previous = self.fields["previous"]
        assert isinstance(previous, forms.ModelChoiceField)
        previous.queryset = FundPeriod.objects.filter(organisation=organisation, next__isnull=True)

    def clean(self):
        data = super().clean()
        method = data.get("method")
        if method == FundPeriod.Method.PAYROLL_RATE:
            if not data.get("payroll"):
                self.add_error("payroll", _("Ange lönesumman."))
            if not data.get("rate"):
                self.add_error("rate", _("Välj avsättningsnivå."))
        elif method == FundPeriod.Method.FIXED_POT and not data.get("fixed_amount"):
            self.add_error("fixed_amount", _("Ange beloppet."))
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("Slutdatum måste vara efter startdatum."))
        return data


class LedgerFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Typ"), required=False, choices=[("", _("Alla")), *EntryKind.choices]
    )


class FundPeriodReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl att öppna perioden igen"),
        max_length=SHORT_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Till exempel ett beslut som gäller perioden men fattades för sent."),
    )
