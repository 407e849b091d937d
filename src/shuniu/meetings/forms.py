from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuniu.core.models import Organization, Region, RegionLevel
from shuniu.core.models.organizations import MASS_ORGANIZATION_KINDS
from shuniu.meetings.models import Attendance, ItemStatus, Period, TargetGroup


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; returns a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MonthField(forms.DateField):
    """An <input type="month"> (YYYY-MM) giving the first day of that month."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]
    default_error_messages = {"invalid": _("Enter a month as year and month, e.g. 2026-05.")}

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(day=1) if value else value


def member_choices(series):
    return Organization.objects.filter(pk__in=series.members.filter(is_active=True).values("organization_id"))


class SeriesForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("meetings", "Name"), max_length=120)
    period = forms.ChoiceField(
        label=pgettext_lazy("meetings", "Period"), choices=Period.choices, initial=Period.QUARTERLY
    )
    description = forms.CharField(
        label=pgettext_lazy("meetings", "Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, positions: dict[int, int] | None = None, **kwargs):
        """`positions`: organisation id → current place in the rotation (editing a series)."""
        super().__init__(*args, **kwargs)
        self.candidates = list(
            Organization.objects.filter(kind__in=MASS_ORGANIZATION_KINDS, parent__isnull=True, is_active=True)
        )
        for index, org in enumerate(self.candidates, start=1):
            initial = index if positions is None else positions.get(org.pk)
            self.fields[f"position_{org.pk}"] = forms.IntegerField(
                label=org.name, required=False, min_value=1, max_value=99, initial=initial
            )

    def position_fields(self):
        return [self[f"position_{org.pk}"] for org in self.candidates]

    def clean(self):
        data = super().clean()
        chosen = [(data.get(f"position_{org.pk}"), org) for org in self.candidates]
        chosen = [(position, org) for position, org in chosen if position]
        if len(chosen) < 2:
            raise ValidationError(_("Give a rotation order to at least two member organisations."))
        positions = [position for position, _org in chosen]
        if len(set(positions)) != len(positions):
            raise ValidationError(_("Two members have the same place in the rotation; give each its own number."))
        data["members"] = [org for _position, org in sorted(chosen, key=lambda pair: pair[0])]
        return data


class PassRequestForm(forms.Form):
    reason = forms.CharField(label=_("Reason for passing"), max_length=300, min_length=4)


class ScheduleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeLocalInput())
    venue = forms.CharField(label=pgettext_lazy("meetings", "Venue"), max_length=200)
    submission_deadline = forms.DateTimeField(
        label=_("Submission deadline"),
        widget=DateTimeLocalInput(),
        help_text=_("Submissions lock at this moment; members cannot change them afterwards."),
    )
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 8}))


class SubmissionForm(forms.Form):
    work_summary = forms.CharField(
        label=_("Work summary of the past period"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    lessons = forms.CharField(label=_("Lessons learned"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    cooperation_proposals = forms.CharField(
        label=_("Cooperation proposals"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    files = MultipleFileField(
        label=_("Attachments"), help_text=_("PDF, Word, Excel, PowerPoint, images; up to 20 MB each.")
    )


class PlanItemForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=_("What"), max_length=200, required=False)
    target_group = forms.ChoiceField(
        label=pgettext_lazy("meetings", "Target group"),
        choices=[("", _("Choose…")), *TargetGroup.choices],
        required=False,
    )
    street = forms.ModelChoiceField(
        label=_("Street"),
        queryset=Region.objects.filter(level=RegionLevel.STREET),
        required=False,
        empty_label=_("Whole district"),
    )
    month = MonthField(label=_("Month"), required=False)
    delete = forms.BooleanField(label=pgettext_lazy("meetings", "Remove"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("delete") or not (data.get("title") or "").strip():
            if not data.get("delete") and (data.get("target_group") or data.get("month")) and not data.get("title"):
                self.add_error("title", _("Say what the plan item is."))
            return data
        if not data.get("target_group"):
            self.add_error("target_group", _("Choose the target group."))
        if not data.get("month"):
            self.add_error("month", _("Choose the month."))
        return data

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("id") and not (data.get("title") or "").strip()


PlanItemFormSet = forms.formset_factory(PlanItemForm, extra=3, max_num=40, validate_max=True)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", pgettext_lazy("meetings", "Accept")), ("dismiss", pgettext_lazy("meetings", "Dismiss"))]
    )
    note = forms.CharField(label=pgettext_lazy("meetings", "Note"), max_length=300, required=False)


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Project title"), max_length=200)
    description = forms.CharField(
        label=pgettext_lazy("meetings", "Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    lead = forms.ModelChoiceField(
        label=_("Lead organisation"),
        queryset=Organization.objects.none(),
        empty_label=_("Choose the lead organisation"),
    )
    partners = forms.ModelMultipleChoiceField(
        label=pgettext_lazy("meetings", "Partners"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, series=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = member_choices(series)
        self.fields["partners"].queryset = member_choices(series)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        widget=forms.Textarea(attrs={"rows": 14, "data-rich-text": ""}),
        help_text=_("Simple formatting is kept (bold, italics, lists, headings); anything else is removed."),
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for org in self.members:
            self.fields[f"presence_{org.pk}"] = forms.ChoiceField(
                label=org.display_name, choices=Attendance.Presence.choices, initial=Attendance.Presence.PRESENT
            )
            self.fields[f"representatives_{org.pk}"] = forms.CharField(
                label=_("Representatives of %(org)s") % {"org": org.display_name}, max_length=200, required=False
            )

    def attendance_rows(self):
        return [(org, self[f"presence_{org.pk}"], self[f"representatives_{org.pk}"]) for org in self.members]

    def attendance(self) -> dict[int, tuple[str, str]]:
        return {
            org.pk: (self.cleaned_data[f"presence_{org.pk}"], self.cleaned_data[f"representatives_{org.pk}"])
            for org in self.members
        }


def _not_past(value: date) -> date:
    if value < timezone.localdate():
        raise ValidationError(_("The deadline is in the past; choose today or a later date."))
    return value


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    lead = forms.ModelChoiceField(
        label=_("Lead organisation"),
        queryset=Organization.objects.none(),
        empty_label=_("Choose the lead organisation"),
    )
    co_organizations = forms.ModelMultipleChoiceField(
        label=_("Co-organisations"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput(), validators=[_not_past])
    expected_result = forms.CharField(label=_("Expected result"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, series=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = member_choices(series)
        self.fields["co_organizations"].queryset = member_choices(series)

    def item_data(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "lead": data["lead"],
            "co_organizations": list(data["co_organizations"]),
            "deadline": data["deadline"],
            "expected_result": data["expected_result"],
        }


class ResolutionForm(ActionItemForm):
    """A resolution with its first action item (more can be added to the resolution afterwards)."""

    text = forms.CharField(label=pgettext_lazy("meetings", "Resolution"), widget=forms.Textarea(attrs={"rows": 3}))
    field_order = ["text", "title", "lead", "co_organizations", "deadline", "expected_result"]


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(
        label=_("Status after this report"),
        choices=[(s.value, s.label) for s in (ItemStatus.ON_TRACK, ItemStatus.AT_RISK, ItemStatus.DONE)],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        initial=ItemStatus.ON_TRACK,
    )
    files = MultipleFileField(
        label=_("Evidence"), help_text=_("Documents or photos showing the result; required when reporting done.")
    )
