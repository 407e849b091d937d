from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuniu.core.models import Organization, User
from shuniu.core.permissions import PERMISSIONS
from shuniu.core.scoping import get_scope

from .models import TokenKind
from .services import grantable_keys

EVENT_CHOICES = [
    ("rights.", _("All rights-protection events (cases, referrals)")),
    ("rights.case.", _("Rights cases")),
    ("rights.referral.", _("Referrals")),
    ("relief.", _("Assistance and relief events")),
    ("training.", _("Training events")),
    ("meetings.", _("Joint meeting events")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_("Who or what uses it, e.g. 12345 hotline system")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=TokenKind.choices, initial=TokenKind.INTEGRATION)
    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=Organization.objects.none())
    user = forms.ModelChoiceField(
        label=_("Staff member (personal tokens)"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("A personal token acts as this person, never with more than their own permissions."),
    )
    permissions = forms.MultipleChoiceField(
        label=_("Permissions"), choices=(), widget=forms.CheckboxSelectMultiple, required=True
    )
    expires_on = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}), help_text=_("At most one year ahead.")
    )
    rate_limit_per_minute = forms.IntegerField(label=_("Requests per minute"), min_value=1, max_value=6000, initial=120)

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        scope = get_scope(actor)
        org_ids = scope.org_ids_with("api:manage")
        organizations = Organization.objects.filter(is_active=True)
        if org_ids is not None:
            organizations = organizations.filter(pk__in=org_ids)
        self.fields["organization"].queryset = organizations.order_by("kind", "code")
        self.fields["user"].queryset = (
            User.objects.filter(
                is_active=True, memberships__organization__in=organizations, memberships__is_active=True
            )
            .distinct()
            .order_by("username")
        )
        self.fields["permissions"].choices = [(key, f"{PERMISSIONS[key]} ({key})") for key in grantable_keys()]
        self.fields["expires_on"].initial = (timezone.localdate() + timedelta(days=180)).isoformat()

    def clean(self):
        data = super().clean()
        if data.get("kind") == TokenKind.PERSONAL and not data.get("user"):
            self.add_error("user", _("Choose the staff member the personal token belongs to."))
        return data


class WebhookForm(forms.Form):
    url = forms.URLField(label=_("Receiving URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(label=_("Events"), choices=EVENT_CHOICES, widget=forms.CheckboxSelectMultiple)
