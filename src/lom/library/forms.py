from django import forms
from django.utils.translation import gettext_lazy as _

from lom.accounts.models import User
from lom.agreements.models import MeasureType
from lom.common.bounds import COMMENT_MAX, NAME_MAX, TEXT_MAX
from lom.common.fields import IdsField
from lom.library.models import NEED_CATEGORY_MAX
from lom.library.services import CONTACT_ROLES
from lom.organisations.models import Membership, Organisation


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class EntryForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=NAME_MAX)
    need = forms.CharField(
        label=_("Behovet som insatsen svarade mot"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Utan namn, enheter eller personliga skäl."),
    )
    need_category = forms.CharField(
        label=_("Behovskategori (insatsområde)"), max_length=NEED_CATEGORY_MAX, required=False
    )
    summary = forms.CharField(
        label=_("Insatsens innehåll"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
    lessons = forms.CharField(
        label=_("Lärdomar och tips till andra"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    measure_type_ids = IdsField(
        label=_("Insatstyper"),
        queryset=MeasureType.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    contact_user = MemberChoiceField(
        label=_("Kontaktperson (frivilligt)"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "Med en kontaktperson visas organisationens namn och kontaktpersonens namn och "
            "e-post i biblioteket."
        ),
    )
    contact_agreed = forms.BooleanField(
        label=_("Kontaktpersonen har gått med på att stå med namn och e-post"), required=False
    )
    reviewed = forms.BooleanField(
        label=_(
            "Jag har läst och redigerat texterna och tagit bort allt som kan peka ut en person"
        ),
        required=False,
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        contact_user = self.fields["contact_user"]
        assert isinstance(contact_user, MemberChoiceField)
        contact_user.queryset = User.objects.filter(
            pk__in=Membership.objects.filter(
                organisation=organisation,
                role__in=CONTACT_ROLES,
            ).values("user_id")
        ).order_by("last_name", "first_name", "username")


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl (frivilligt)"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Sök"), required=False, max_length=500)
    need_category = forms.ChoiceField(label=_("Behovskategori"), required=False)
    measure_type = forms.ChoiceField(label=_("Insatstyp"), required=False)
    sector = forms.ChoiceField(label=_("Sektor"), required=False)
    size_band = forms.ChoiceField(label=_("Storlek"), required=False)
    need_met = forms.ChoiceField(label=_("Möttes behovet?"), required=False)
    year = forms.TypedChoiceField(label=_("År"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        any_ = [("", _("Alla"))]
        self.fields["need_category"].choices = any_ + [(c, c) for c in options.need_categories]
        self.fields["measure_type"].choices = any_ + options.measure_types
        self.fields["sector"].choices = any_ + options.sectors
        self.fields["size_band"].choices = any_ + [(s, s) for s in options.size_bands]
        self.fields["need_met"].choices = any_ + options.need_met
        self.fields["year"].choices = any_ + [(y, y) for y in options.years]
