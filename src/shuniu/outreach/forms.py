from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shuniu.core.models import Organization, OrganizationKind, Region
from shuniu.core.validators import validate_credit_code, validate_mobile, validate_phone
from shuniu.outreach.models import (
    Accessibility,
    Activity,
    DepartmentContact,
    NewsItem,
    Shift,
    Skill,
    SocialOrganizationProfile,
    Story,
)
from shuniu.outreach.models.volunteers import Availability

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ActivityForm(forms.ModelForm):
    accessibility = forms.MultipleChoiceField(
        label=_("Accessibility"), choices=Accessibility.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    needed_skills = forms.MultipleChoiceField(
        label=_("Skills needed from volunteers"),
        choices=Skill.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Activity
        fields = [
            "title",
            "description",
            "starts_at",
            "ends_at",
            "place",
            "community",
            "capacity",
            "target_group",
            "accessibility",
            "needed_skills",
            "partners",
        ]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME, "description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Region.objects.exclude(level="district").order_by("code")
        partners = Organization.objects.filter(kind=OrganizationKind.SOCIAL_ORG, is_active=True)
        self.fields["partners"].queryset = partners.order_by("name")
        self.fields["partners"].widget = forms.CheckboxSelectMultiple(choices=self.fields["partners"].choices)
        self.fields["partners"].required = False

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The activity must end after it starts."))
        return data


class ShiftForm(forms.ModelForm):
    class Meta:
        model = Shift
        fields = ["title", "starts_at", "ends_at", "slots", "required_skill"]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The shift must end after it starts."))
        if data.get("slots") == 0:
            self.add_error("slots", _("A shift needs at least one volunteer."))
        return data


class PublicSignupForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=60)
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        validators=[validate_mobile],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Only the organiser sees it, to contact you about this activity."),
    )
    needs = forms.CharField(
        label=_("Support you need (optional)"),
        max_length=200,
        required=False,
        help_text=_("e.g. wheelchair access, sign-language interpreting"),
    )


class VolunteerRegistrationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=60)
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        validators=[validate_mobile],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Organisers use it to reach you; the last four digits open your volunteer page."),
    )
    skills = forms.MultipleChoiceField(
        label=_("Skills"), choices=Skill.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    availability = forms.MultipleChoiceField(
        label=_("When you are available"),
        choices=Availability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    community = forms.ModelChoiceField(
        label=_("Where you live (street)"),
        queryset=Region.objects.filter(level="street").order_by("code"),
        required=False,
    )
    consent = forms.BooleanField(
        label=_("I agree that the organisations store my name and mobile number to arrange volunteering."),
        required=True,
    )


class VolunteerSignInForm(forms.Form):
    code = forms.CharField(
        label=_("Volunteer code"), max_length=12, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    phone_last4 = forms.CharField(
        label=_("Last four digits of your mobile number"),
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class HoursDecisionForm(forms.Form):
    minutes = forms.IntegerField(label=_("Minutes to confirm"), min_value=1, required=False)
    note = forms.CharField(label=_("Reason (when not confirming)"), max_length=200, required=False)


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))
    caption = forms.CharField(
        label=_("Photo description"), max_length=200, help_text=_("Describe the photo for people who cannot see it.")
    )


class StoryForm(forms.ModelForm):
    class Meta:
        model = Story
        fields = ["organization", "kind", "title", "summary", "body", "tags", "cover_alt"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12}), "summary": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            organizations if organizations is not None else Organization.objects.none()
        )


class KnownPersonalDataForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("These are"),
        choices=[("name", _("names of people")), ("address", _("addresses or places")), ("other", _("other details"))],
    )
    values = forms.CharField(
        label=_("Names or details to hide"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line. The check looks for them in the text; they are stored encrypted."),
    )


class CoverForm(forms.Form):
    image = forms.FileField(label=_("Cover image"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))
    cover_alt = forms.CharField(label=_("Cover description"), max_length=200)


class FromSourceForm(forms.Form):
    source = forms.ChoiceField(label=_("Closed case or aid record"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Story._meta.get_field("kind").choices)

    def __init__(self, *args, sources=None, **kwargs):
        super().__init__(*args, **kwargs)
        from shuniu.outreach.sources import RELIEF_APPLICATION, RIGHTS_CASE, application_label, case_label

        sources = sources or {}
        groups = []
        cases = sources.get(RIGHTS_CASE) or []
        if cases:
            groups.append(
                (
                    _("Closed rights cases"),
                    [(f"{RIGHTS_CASE}:{case.pk}", f"#{case.pk} {case_label(case)}") for case in cases],
                )
            )
        applications = sources.get(RELIEF_APPLICATION) or []
        if applications:
            groups.append(
                (
                    _("Approved or paid aid applications"),
                    [
                        (
                            f"{RELIEF_APPLICATION}:{application.pk}",
                            f"#{application.pk} {application_label(application)}",
                        )
                        for application in applications
                    ],
                )
            )
        self.fields["source"].choices = groups


class SocialOrganizationForm(forms.ModelForm):
    name = forms.CharField(label=_("Organisation name"), max_length=150)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=24,
        validators=[validate_credit_code],
        help_text=_("18 characters, on the registration certificate."),
    )
    hub = forms.ModelChoiceField(label=_("Hub organisation"), queryset=Organization.objects.none())

    class Meta:
        model = SocialOrganizationProfile
        fields = [
            "field",
            "status",
            "description",
            "contact_name",
            "contact_phone",
            "contact_email",
            "accepts_referrals",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, hubs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = hubs if hubs is not None else Organization.objects.none()
        if self.instance.pk:
            self.fields["name"].initial = self.instance.organization.name
            self.fields["credit_code"].initial = self.instance.organization.credit_code
            self.fields["hub"].initial = self.instance.organization.hub_id
        self.order_fields(["name", "credit_code", "hub"])

    def clean_contact_phone(self):
        phone = self.cleaned_data.get("contact_phone", "")
        if phone:
            validate_phone(phone)
        return phone


class DepartmentContactForm(forms.ModelForm):
    class Meta:
        model = DepartmentContact
        fields = ["name", "title", "phone", "email", "remit"]

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "")
        if phone:
            validate_phone(phone)
        return phone


class ProcedureVersionForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"),
        regex=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$",
        max_length=60,
        help_text=_("The screen it governs, e.g. rights.referral"),
        error_messages={"invalid": _("Use lower-case words joined by dots.")},
    )
    title = forms.CharField(label=_("Title"), max_length=120)
    summary = forms.CharField(label=_("Summary of the procedure"), max_length=300)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    effective_from = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}))
    change_note = forms.CharField(label=_("What changed"), max_length=200, required=False)
    steps = forms.CharField(
        label=_("Steps"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One step a line: who | does what | within how many working days (optional)."),
    )

    def clean_steps(self):
        steps = []
        for number, line in enumerate(self.cleaned_data["steps"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.replace("｜", "|").split("|")]
            if len(parts) < 2 or not parts[0] or not parts[1]:
                raise ValidationError(_("Line %(line)d: write “who | does what | working days”.") % {"line": number})
            days = None
            if len(parts) > 2 and parts[2]:
                if not parts[2].isdigit():
                    raise ValidationError(_("Line %(line)d: the deadline must be a number of days.") % {"line": number})
                days = int(parts[2])
            steps.append({"actor": parts[0], "action": parts[1], "deadline_working_days": days})
        if not steps:
            raise ValidationError(_("A procedure needs at least one step: who does what."))
        return steps


class NewsForm(forms.ModelForm):
    class Meta:
        model = NewsItem
        fields = ["organization", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            organizations if organizations is not None else Organization.objects.none()
        )
