from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuniu.core.models import Organization, OrganizationKind, Region, RegionLevel
from shuniu.core.validators import normalize_phone, validate_mobile, validate_phone
from shuniu.training.models import (
    Course,
    CourseCategory,
    CourseRequest,
    Instructor,
    TargetGroup,
    Venue,
)

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MASS_ORGANISATION_KINDS = [
    OrganizationKind.UNION,
    OrganizationKind.YOUTH_LEAGUE,
    OrganizationKind.WOMENS_FEDERATION,
    OrganizationKind.SCIENCE_ASSOCIATION,
    OrganizationKind.DISABLED_FEDERATION,
    OrganizationKind.RED_CROSS,
]


class MenuFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60)
    category = forms.ChoiceField(label=_("Category"), required=False, choices=[("", _("All categories"))])
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organization.objects.none(),
        empty_label=_("All organisations"),
    )
    street = forms.ModelChoiceField(
        label=_("Street"), required=False, queryset=Region.objects.none(), empty_label=_("All streets")
    )
    group = forms.ChoiceField(label=_("For"), required=False, choices=[("", _("Everyone"))])
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    has_places = forms.BooleanField(label=_("Only with free places"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories")), *CourseCategory.choices]
        self.fields["group"].choices = [("", _("Everyone")), *TargetGroup.choices]
        self.fields["organization"].queryset = Organization.objects.filter(
            kind__in=MASS_ORGANISATION_KINDS, parent__isnull=True, is_active=True
        ).order_by("code")
        self.fields["street"].queryset = Region.objects.filter(level=RegionLevel.STREET).order_by("code")


class CourseForm(forms.ModelForm):
    target_group_choices = forms.MultipleChoiceField(
        label=_("Who the course is for"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=True,
    )

    class Meta:
        model = Course
        fields = [
            "title",
            "category",
            "description",
            "hours",
            "mode",
            "materials",
            "completion_percent",
            "is_published",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "materials": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["target_group_choices"].initial = self.instance.target_group_list
        order = ["title", "category", "target_group_choices"]
        self.order_fields(order)

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours is None or hours <= 0 or hours > 500:
            raise ValidationError(_("Enter the course hours, between 0.5 and 500."))
        return hours

    def clean_completion_percent(self):
        value = self.cleaned_data["completion_percent"]
        if value < 1 or value > 100:
            raise ValidationError(_("Enter a share between 1 and 100."))
        return value

    def save(self, commit=True):
        self.instance.set_target_groups(self.cleaned_data["target_group_choices"])
        return super().save(commit)


class SessionForm(forms.Form):
    first_start = forms.DateTimeField(label=_("First lesson starts"), widget=DATETIME_INPUT)
    minutes = forms.IntegerField(label=_("Lesson length (minutes)"), min_value=15, max_value=720, initial=90)
    lesson_count = forms.IntegerField(
        label=_("Number of lessons"),
        min_value=1,
        max_value=52,
        initial=1,
        help_text=_("More than one makes a recurring series."),
    )
    every_days = forms.IntegerField(label=_("Repeat every (days)"), min_value=1, max_value=31, initial=7)
    venue = forms.ModelChoiceField(label=_("Venue"), queryset=Venue.objects.none())
    instructor = forms.ModelChoiceField(
        label=_("Instructor"), queryset=Instructor.objects.none(), required=False, empty_label=_("No instructor yet")
    )
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=2000, initial=30)
    enrollment_closes_at = forms.DateTimeField(
        label=_("Enrolment closes"),
        widget=DATETIME_INPUT,
        required=False,
        help_text=_("Empty: two hours before the first lesson."),
    )
    note = forms.CharField(label=_("Note for participants"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = Venue.objects.filter(is_active=True).select_related("organization", "street")
        self.fields["venue"].label_from_instance = venue_label
        self.fields["instructor"].queryset = Instructor.objects.filter(is_active=True).select_related("organization")
        self.fields["instructor"].label_from_instance = instructor_label

    def clean_first_start(self):
        value = self.cleaned_data["first_start"]
        if value <= timezone.now():
            raise ValidationError(_("The first lesson must be in the future."))
        return value


def venue_label(venue: Venue) -> str:
    parts = [venue.name, _("%(seats)d seats") % {"seats": venue.capacity}]
    if venue.street:
        parts.append(venue.street.name)
    parts.extend(venue.accessibility_labels())
    return " · ".join(str(part) for part in parts)


def instructor_label(instructor: Instructor) -> str:
    tags = "、".join(instructor.expertise_tags[:3])
    return f"{instructor.name} · {instructor.organization.display_name}" + (f" · {tags}" if tags else "")


class VenueForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = [
            "name",
            "kind",
            "street",
            "address",
            "capacity",
            "step_free",
            "hearing_loop",
            "sign_language",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = Region.objects.filter(level=RegionLevel.STREET).order_by("code")

    def clean_capacity(self):
        value = self.cleaned_data["capacity"]
        if value < 1 or value > 5000:
            raise ValidationError(_("Enter the number of seats, between 1 and 5000."))
        return value


class InstructorForm(forms.ModelForm):
    class Meta:
        model = Instructor
        fields = ["name", "title", "expertise", "bio", "is_active"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 3})}


class PhoneForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=60)
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("We send a 6-digit code to this number."),
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Please enter your name."))
        return name

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        validate_mobile(value)
        return normalize_phone(value)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class StaffEnrollForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    phone = forms.CharField(label=_("Mobile number"), max_length=20)

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        validate_mobile(value)
        return normalize_phone(value)


class CourseRequestForm(forms.ModelForm):
    class Meta:
        model = CourseRequest
        fields = [
            "requester_kind",
            "requester_name",
            "contact_name",
            "contact_phone",
            "group_size",
            "preferred_time",
            "note",
        ]
        widgets = {
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_contact_phone(self):
        value = self.cleaned_data["contact_phone"]
        validate_phone(value)
        return normalize_phone(value)

    def clean_group_size(self):
        value = self.cleaned_data["group_size"]
        if value < 5 or value > 500:
            raise ValidationError(_("A group for a requested course has between 5 and 500 people."))
        return value


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[
            (5, _("5 – excellent")),
            (4, _("4 – good")),
            (3, _("3 – fair")),
            (2, _("2 – poor")),
            (1, _("1 – bad")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CertificateLookupForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=16)

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper().replace(" ", "").replace("-", "")
