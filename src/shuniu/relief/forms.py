from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from shuniu.core.models import Region, RegionLevel
from shuniu.core.validators import normalize_phone, parse_id_number, validate_mobile
from shuniu.people.models import Tag
from shuniu.relief.eligibility import RuleValueError, parse_value
from shuniu.relief.models import ApprovalStep, Budget, Decision, EligibilityRule, Programme

ALLOWED_DOCUMENT_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx"}
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DISABILITY_LEVELS = [("", _("None")), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4")]


class CommunityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name if obj.parent else ''} · {obj.name}"


class ApplicationForm(forms.Form):
    """What an applicant (or staff for them) declares; the same form serves staff and the portal."""

    name = forms.CharField(label=_("Applicant's name"), max_length=60)
    id_number = forms.CharField(label=_("ID number"), max_length=20)
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=20, help_text=_("Its last four digits let you follow the application.")
    )
    community = CommunityChoiceField(
        label=_("Community where you live"),
        queryset=Region.objects.filter(level=RegionLevel.COMMUNITY).select_related("parent").order_by("code"),
        empty_label=_("Choose your community"),
    )
    household_size = forms.IntegerField(
        label=_("Household members"), min_value=1, max_value=30, initial=1, validators=[MinValueValidator(1)]
    )
    monthly_income = forms.DecimalField(
        label=_("Household monthly income (yuan)"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        help_text=_("All members' income together, before any aid."),
    )
    student_enrolled = forms.BooleanField(label=_("Enrolled as a student"), required=False)
    school = forms.CharField(label=_("School"), max_length=100, required=False)
    disability_level = forms.TypedChoiceField(
        label=_("Disability certificate level"), choices=DISABILITY_LEVELS, required=False, coerce=int, empty_value=None
    )
    reason = forms.CharField(
        label=_("Situation and reason"), max_length=2000, min_length=10, widget=forms.Textarea(attrs={"rows": 4})
    )
    amount = forms.DecimalField(
        label=_("Amount assessed (yuan)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Only for programmes whose amount staff assess; others compute it."),
    )
    document = forms.FileField(
        label=_("Supporting document"),
        required=False,
        help_text=_("PDF, photo or Word file, at most 10 MB (e.g. income certificate, student card)."),
    )

    def __init__(self, *args, programme: Programme | None = None, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        if not staff or (programme and programme.amount_mode != "assessed"):
            del self.fields["amount"]

    def clean_id_number(self):
        try:
            number, _birth, _gender = parse_id_number(self.cleaned_data["id_number"])
        except ValidationError as error:
            raise ValidationError(error.messages[0]) from None
        return number

    def clean_phone(self):
        phone = normalize_phone(self.cleaned_data["phone"])
        validate_mobile(phone)
        return phone

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if not upload:
            return upload
        suffix = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if suffix not in ALLOWED_DOCUMENT_TYPES:
            raise ValidationError(_("Attach a PDF, JPG, PNG or Word file."))
        if upload.size > min(MAX_DOCUMENT_BYTES, settings.SHUNIU_MAX_UPLOAD_BYTES):
            raise ValidationError(_("The file is larger than 10 MB."))
        return upload

    def clean(self):
        data = super().clean()
        if data.get("student_enrolled") and not (data.get("school") or "").strip():
            self.add_error("school", _("Enter the school the student attends."))
        return data


class StaffApplicationForm(ApplicationForm):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())

    field_order = ["programme"]

    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, staff=True, **kwargs)
        self.fields["programme"].queryset = programmes if programmes is not None else Programme.objects.none()
        self.order_fields(["programme", *[name for name in self.fields if name != "programme"]])


class ReviseForm(forms.Form):
    household_size = ApplicationForm.base_fields["household_size"]
    monthly_income = ApplicationForm.base_fields["monthly_income"]
    student_enrolled = ApplicationForm.base_fields["student_enrolled"]
    school = ApplicationForm.base_fields["school"]
    disability_level = ApplicationForm.base_fields["disability_level"]
    reason = ApplicationForm.base_fields["reason"]
    amount = ApplicationForm.base_fields["amount"]


class DecisionForm(forms.Form):
    step = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Decision.APPROVE, _("Approve")),
            (Decision.RETURN, _("Return for revision")),
            (Decision.REJECT, _("Reject")),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProgrammeForm(forms.ModelForm):
    target_tags = forms.MultipleChoiceField(
        label=_("Target groups"), choices=Tag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Programme
        fields = [
            "name",
            "code",
            "description",
            "purpose",
            "funding_source",
            "benefit_type",
            "amount_mode",
            "base_amount",
            "person_cap",
            "household_cap",
            "opens_on",
            "closes_on",
            "target_tags",
            "required_documents",
            "notice_days",
            "accepts_public_applications",
            "is_active",
        ]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "required_documents": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notice_days"].validators.append(MinValueValidator(1))
        self.fields["notice_days"].validators.append(MaxValueValidator(60))

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("Applications cannot close before they open."))
        base, cap = data.get("base_amount"), data.get("person_cap")
        if base and cap and data.get("amount_mode") == "fixed" and base > cap:
            self.add_error("person_cap", _("The cap per person must be at least the fixed amount."))
        household_cap = data.get("household_cap")
        if household_cap and cap and household_cap < cap:
            self.add_error("household_cap", _("The cap per household must be at least the cap per person."))
        return data


class RuleForm(forms.ModelForm):
    class Meta:
        model = EligibilityRule
        fields = ["position", "field", "operator", "value", "explanation", "is_active"]

    def clean(self):
        data = super().clean()
        if data.get("field") and data.get("operator"):
            try:
                parse_value(data["field"], data["operator"], data.get("value", ""))
            except RuleValueError as error:
                self.add_error("value", str(error))
        return data


class StepForm(forms.ModelForm):
    class Meta:
        model = ApprovalStep
        fields = ["position", "name", "level"]

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["position"].validators.append(MinValueValidator(1))

    def clean_position(self):
        position = self.cleaned_data["position"]
        if self.programme and self.programme.steps.filter(position=position).exists():
            raise ValidationError(_("There is already a step at this position."))
        return position


class BudgetForm(forms.ModelForm):
    class Meta:
        model = Budget
        fields = ["year", "amount", "funding_source"]

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["year"].validators += [MinValueValidator(2000), MaxValueValidator(2100)]

    def clean(self):
        data = super().clean()
        if self.programme and data.get("year") and data.get("amount") is not None:
            existing = Budget.objects.filter(programme=self.programme, year=data["year"]).first()
            if existing is not None and data["amount"] < existing.used():
                self.add_error(
                    "amount",
                    _("%(used)s yuan of this budget is already paid; it cannot be set lower.")
                    % {"used": existing.used()},
                )
        return data


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label=_("Your objection"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What is not right about this recipient? Facts help us check quickly."),
    )
    contact = forms.CharField(label=_("How we can reach you (optional)"), max_length=60, required=False)


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("dismissed", _("Dismiss: the application stands")), ("upheld", _("Uphold: reject the application"))],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    resolution = forms.CharField(
        label=_("How it was checked"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=12)
    phone_last4 = forms.CharField(
        label=_("Last four digits of your phone"),
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the reversal"), min_length=4, max_length=200)


class AdjustmentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Adjustment (yuan)"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Positive adds to what was paid, negative takes back."),
    )
    note = forms.CharField(label=_("Explanation"), min_length=4, max_length=200)
