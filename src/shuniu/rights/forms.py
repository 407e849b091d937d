"""Forms of the rights app. Validation lives here (clear messages, nothing lost on error); state
changes are the services' job."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shuniu.core.models import Organization, OrganizationKind, Region, RegionLevel
from shuniu.core.validators import normalize_credit_code, validate_id_number, validate_phone
from shuniu.rights.models import (
    ActivityKind,
    CaseCategory,
    Channel,
    CollectiveContract,
    Complexity,
    DeadlinePolicy,
    Enterprise,
    FollowUpMethod,
    LegalAidProvider,
    Outcome,
    ReferralMode,
    RoutingRule,
    Status,
)

CHOOSE = _("— choose —")
STAFF_CHANNELS = [choice for choice in Channel.choices if choice[0] not in (Channel.WEB, Channel.API)]


def category_field(**kwargs):
    return forms.ModelChoiceField(
        queryset=CaseCategory.objects.filter(is_active=True), label=_("Category"), empty_label=None, **kwargs
    )


def community_field(required=False, **kwargs):
    field = forms.ModelChoiceField(
        queryset=Region.objects.filter(level=RegionLevel.COMMUNITY).select_related("parent").order_by("code"),
        label=_("Community"),
        required=required,
        empty_label=_("— choose the community —"),
        **kwargs,
    )
    field.label_from_instance = lambda region: f"{region.parent.name if region.parent else ''} · {region.name}"
    return field


class PublicIntakeForm(forms.Form):
    """The citizen's form on the portal: few fields, plain words."""

    name = forms.CharField(label=_("Your name"), max_length=60)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        validators=[validate_phone],
        help_text=_("We call you back on this number; its last four digits let you check the progress."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    community = community_field(required=True)
    category = category_field()
    description = forms.CharField(
        label=_("What happened?"),
        max_length=4000,
        min_length=5,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Who, when, where, and what you would like us to help with."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my personal data is used to handle this request and shared with the organisations"
            " handling it."
        ),
        error_messages={"required": _("We can only take the request with your agreement.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"


class HotlineIntakeForm(forms.Form):
    """The operator's form, built for speed on the phone: the essentials first, the rest optional."""

    channel = forms.ChoiceField(label=_("Channel"), choices=STAFF_CHANNELS)
    name = forms.CharField(label=_("Caller's name"), max_length=60)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, validators=[validate_phone])
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=20,
        required=False,
        validators=[validate_id_number],
        help_text=_("Optional; finds the person in the registry."),
    )
    category = category_field()
    complexity = forms.ChoiceField(label=_("Complexity"), choices=Complexity.choices, initial=Complexity.ORDINARY)
    community = community_field()
    subject = forms.CharField(label=_("Subject"), max_length=120, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=8000, min_length=5, widget=forms.Textarea(attrs={"rows": 4})
    )
    enterprise = forms.CharField(
        label=_("Employer's credit code"),
        required=False,
        max_length=30,
        help_text=_("Optional; links the case to the employer's collective contracts and other cases."),
    )
    amount_claimed = forms.DecimalField(
        label=_("Amount claimed (yuan)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    consent_processing = forms.BooleanField(
        label=_("The caller agrees to the processing of their personal data"),
        error_messages={"required": _("Ask for and record the caller's agreement first.")},
    )
    consent_referral = forms.BooleanField(
        label=_("The caller agrees that the case may be referred to other organisations"), required=False
    )

    def clean_enterprise(self):
        code = normalize_credit_code(self.cleaned_data.get("enterprise", ""))
        if not code:
            return None
        enterprise = Enterprise.objects.filter(credit_code=code).first()
        if enterprise is None:
            raise ValidationError(
                _("No enterprise with this credit code is registered. Register it under “Enterprises and contracts”.")
            )
        return enterprise

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("id_number"):
            raise ValidationError(_("Enter a phone number or an ID number, so that the person can be found again."))
        return data


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    last_four = forms.CharField(
        label=_("Last four digits of your phone"),
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Tracking code, full name, phone number (exact) or words of the subject"),
    )
    category = forms.ModelChoiceField(queryset=CaseCategory.objects.all(), required=False, label=_("Category"))
    status = forms.ChoiceField(choices=[("", _("All statuses")), *Status.choices], required=False, label=_("Status"))
    street = forms.ModelChoiceField(
        queryset=Region.objects.filter(level=RegionLevel.STREET), required=False, label=_("Street")
    )
    date_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("Received until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    # Set by the cockpit's click-through links (not shown in the filter bar): the lead organisation,
    # and cases referred from one organisation to another within a time span.
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.all(), required=False, label=_("Lead organisation")
    )
    referred_from = forms.ModelChoiceField(queryset=Organization.objects.all(), required=False, label=_("Referred by"))
    referred_to = forms.ModelChoiceField(queryset=Organization.objects.all(), required=False, label=_("Referred to"))
    referred_since = forms.DateField(label=_("Referred from"), required=False)
    referred_until = forms.DateField(label=_("Referred until"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].empty_label = _("All categories")
        self.fields["street"].empty_label = _("All streets")

    def filter_by_organisations(self, cases):
        """Apply the lead-organisation and referral filters (the caller has validated the form)."""
        from datetime import datetime, time

        from django.utils import timezone

        from shuniu.rights.models import Referral

        data = self.cleaned_data
        if data.get("organization"):
            cases = cases.filter(lead_org=data["organization"])
        if data.get("referred_from") or data.get("referred_to"):
            referrals = Referral.objects.all()
            if data.get("referred_from"):
                referrals = referrals.filter(from_org=data["referred_from"])
            if data.get("referred_to"):
                referrals = referrals.filter(to_org=data["referred_to"])
            tz = timezone.get_current_timezone()
            if data.get("referred_since"):
                referrals = referrals.filter(created_at__gte=datetime.combine(data["referred_since"], time.min, tz))
            if data.get("referred_until"):
                referrals = referrals.filter(created_at__lte=datetime.combine(data["referred_until"], time.max, tz))
            cases = cases.filter(pk__in=referrals.values("case_id"))
        return cases


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=None, label=_("Caseworker"))

    def __init__(self, *args, assignees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees
        self.fields["assignee"].empty_label = CHOOSE


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[c for c in Outcome.choices if c[0] != Outcome.WITHDRAWN])
    money_recovered = forms.DecimalField(
        label=_("Money recovered (yuan)"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    summary = forms.CharField(
        label=_("How was it resolved?"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FollowUpForm(forms.Form):
    method = forms.ChoiceField(label=_("How"), choices=FollowUpMethod.choices)
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"),
        coerce=int,
        choices=[
            (5, _("5 — very satisfied")),
            (4, _("4 — satisfied")),
            (3, _("3 — neutral")),
            (2, _("2 — dissatisfied")),
            (1, _("1 — very dissatisfied")),
        ],
    )
    comment = forms.CharField(label=_("What the person said"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def referral_targets():
    return (
        Organization.objects.filter(is_active=True).exclude(kind=OrganizationKind.SOCIAL_ORG).order_by("kind", "code")
    )


class ReferForm(forms.Form):
    to_org = forms.ModelChoiceField(queryset=None, label=_("Refer to"))
    mode = forms.ChoiceField(label=_("Kind of referral"), choices=ReferralMode.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    consent = forms.BooleanField(
        label=_("The person agrees that their case and details go to this organisation"),
        error_messages={"required": _("Record the person's consent before referring.")},
    )

    def __init__(self, *args, exclude_org=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = referral_targets()
        if exclude_org is not None:
            queryset = queryset.exclude(pk=exclude_org.pk)
        self.fields["to_org"].queryset = queryset
        self.fields["to_org"].empty_label = CHOOSE
        self.fields["mode"].initial = ReferralMode.TRANSFER


class RerouteForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=None, label=_("Responsible organisation"))
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = referral_targets().exclude(kind=OrganizationKind.JOINT_OFFICE)
        self.fields["organization"].empty_label = CHOOSE


class ComplexityForm(forms.Form):
    complexity = forms.ChoiceField(label=_("Complexity"), choices=Complexity.choices)
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    occurred_at = forms.DateTimeField(
        label=_("When"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    participants = forms.CharField(label=_("Who took part"), required=False, max_length=200)
    body = forms.CharField(label=_("What happened"), max_length=8000, widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.CharField(label=_("Result"), required=False, max_length=200)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))


class LegalAidForm(forms.Form):
    provider = forms.ModelChoiceField(queryset=None, label=_("Lawyer or volunteer"))

    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["provider"].empty_label = CHOOSE


class ReferralAnswerForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    note = forms.CharField(label=_("Note or reason"), required=False, max_length=2000)


class CategoryForm(forms.ModelForm):
    class Meta:
        model = CaseCategory
        fields = ["code", "name", "name_en", "is_sensitive", "order", "is_active"]


class DeadlinePolicyForm(forms.ModelForm):
    class Meta:
        model = DeadlinePolicy
        fields = ["category", "complexity", "first_response_days", "resolution_days", "referral_response_days"]

    def clean(self):
        data = super().clean()
        clash = DeadlinePolicy.objects.filter(category=data.get("category"), complexity=data.get("complexity"))
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("There is already a deadline for this category and complexity; edit that one."))
        first, resolution = data.get("first_response_days"), data.get("resolution_days")
        if first is not None and resolution is not None and first > resolution:
            raise ValidationError(_("The first response cannot be due after the resolution."))
        if resolution is not None and resolution < 1:
            self.add_error("resolution_days", _("At least one working day."))
        return data


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = ["category", "region", "organization", "notify_department", "priority", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(level__in=[RegionLevel.STREET, RegionLevel.COMMUNITY])
        self.fields["organization"].queryset = referral_targets()
        self.fields["notify_department"].queryset = Organization.objects.filter(
            kind=OrganizationKind.GOV_DEPARTMENT, is_active=True
        )


class LegalAidProviderForm(forms.ModelForm):
    class Meta:
        model = LegalAidProvider
        fields = ["name", "kind", "firm", "phone", "specialties", "is_active"]


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ["name", "credit_code", "street", "employees", "women_employees", "has_union", "address"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = Region.objects.filter(level=RegionLevel.STREET)

    def clean_credit_code(self):
        return normalize_credit_code(self.cleaned_data["credit_code"])

    def clean(self):
        data = super().clean()
        if (data.get("women_employees") or 0) > (data.get("employees") or 0):
            self.add_error("women_employees", _("There cannot be more women employees than employees."))
        return data


class ContractForm(forms.ModelForm):
    class Meta:
        model = CollectiveContract
        fields = ["kind", "signed_on", "starts_on", "ends_on", "employees_covered", "file"]
        widgets = {
            "signed_on": forms.DateInput(attrs={"type": "date"}),
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", _("The contract must end after it starts."))
        covered = data.get("employees_covered")
        if (
            self.enterprise is not None
            and covered is not None
            and self.enterprise.employees
            and covered > self.enterprise.employees
        ):
            self.add_error("employees_covered", _("More employees covered than the enterprise has."))
        return data
