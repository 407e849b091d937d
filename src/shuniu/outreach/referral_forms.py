"""Forms for sharing with affiliated social organisations: activities and referrals."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shuniu.core.models import Organization

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
STANDALONE = ""


class ActivityShareForm(forms.Form):
    social_organizations = forms.ModelMultipleChoiceField(
        label=_("Share with"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They are listed as co-organisers and their contact gets a message."),
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["social_organizations"].queryset = organizations


class SocialReferralForm(forms.Form):
    source = forms.ChoiceField(label=_("The need comes from"), required=False)
    person = forms.IntegerField(
        label=_("Registry number of the person"),
        required=False,
        min_value=1,
        help_text=_("For a stand-alone need: the number shown on the person's page in the registry."),
    )
    hub = forms.ModelChoiceField(label=_("Referring organisation"), queryset=Organization.objects.none())
    social_organization = forms.ModelChoiceField(
        label=_("Social organisation"),
        queryset=Organization.objects.none(),
        empty_label=_("Choose a social organisation"),
        help_text=_("Affiliated social organisations that accept referrals."),
    )
    need = forms.CharField(
        label=_("Help needed"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only what the organisation needs to help: no ID numbers, no bank accounts, no story of the case."),
    )
    due_on = forms.DateField(label=_("To be handled by"), widget=DATE)
    share_contact = forms.BooleanField(
        label=_("Share the person's name and phone so that the organisation can get in touch"), required=False
    )

    def __init__(self, *args, hubs=None, social_organizations=None, source_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        if hubs is not None:
            self.fields["hub"].queryset = hubs
        if social_organizations is not None:
            self.fields["social_organization"].queryset = social_organizations
        self.fields["source"].choices = [
            (STANDALONE, _("A stand-alone need (enter the registry number)")),
            *source_choices,
        ]

    def clean(self):
        data = super().clean()
        if not data.get("source") and not data.get("person"):
            self.add_error("person", _("Enter the person's registry number, or choose a case or aid application."))
        return data


class ReferralAnswerForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the referring organisation"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("When you decline: why, so that the referring organisation can find other help."),
    )


class ReferralOutcomeForm(forms.Form):
    note = forms.CharField(label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
