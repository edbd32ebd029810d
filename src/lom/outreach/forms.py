from django import forms
from django.utils.translation import gettext_lazy as _

from lom.agreements.models import MeasureType
from lom.common.fields import IdsField
from lom.organisations.models import Union
from lom.outreach import guide
from lom.outreach.models import Campaign, ContactPerson, NewsItem


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ContactForm(forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ["name", "role", "email", "phone", "union", "sort_order"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = Union.objects.filter(organisation=organisation)
        self.fields["union"].empty_label = _("Ingen: arbetsgivarens kontakt")


class NewsForm(forms.ModelForm):
    class Meta:
        model = NewsItem
        fields = ["title", "body", "publish_from", "publish_to", "status"]
        widgets = {
            "publish_from": DateInput(),
            "publish_to": DateInput(),
            "body": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "publish_to": _("Lämna tomt om nyheten ska visas tills vidare."),
            "status": _("Ett utkast syns inte på den öppna sidan."),
        }


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["title", "text", "starts_on", "ends_on", "measure_types", "status"]
        field_classes = {"measure_types": IdsField}
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "text": forms.Textarea(attrs={"rows": 6}),
            "measure_types": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "title": _("Till exempel: Vill du byta bana? Våren för karriärväxling."),
            "status": _("Ett utkast syns inte på den öppna sidan."),
        }

    def __init__(self, *args, allowed_measure_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = MeasureType.objects.all()
        if allowed_measure_types:
            qs = qs.filter(pk__in=[m.pk for m in allowed_measure_types])
        self.fields["measure_types"].queryset = qs


class GuideForm(forms.Form):
    """The guide's questions. Every answer is optional; nothing is stored."""

    goal = forms.ChoiceField(
        label=_("Vad vill du?"), choices=guide.GOALS, required=False, widget=forms.RadioSelect
    )
    suits = forms.MultipleChoiceField(
        label=_("Vad passar dig? Välj gärna flera."),
        choices=guide.FORMS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tenure = forms.ChoiceField(
        label=_("Hur länge har du varit anställd här?"),
        choices=guide.TENURE,
        required=False,
        widget=forms.RadioSelect,
    )
    part_time = forms.ChoiceField(
        label=_("Arbetar du deltid?"),
        choices=guide.YES_NO,
        required=False,
        widget=forms.RadioSelect,
    )
    manager = forms.ChoiceField(
        label=_("Är du chef?"), choices=guide.YES_NO, required=False, widget=forms.RadioSelect
    )

    def answers(self) -> guide.GuideAnswers:
        d = self.cleaned_data
        return guide.GuideAnswers(
            goal=d.get("goal") or "",
            forms=tuple(d.get("suits") or ()),
            tenure=d.get("tenure") or "",
            part_time=d.get("part_time") or "",
            manager=d.get("manager") or "",
        )
