from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuniu.core.models import Region, RegionLevel
from shuniu.core.validators import normalize_phone, parse_id_number, validate_phone
from shuniu.people.importing import field_choices, file_format
from shuniu.people.models import ConsentChannel, ConsentPurpose, Gender, HouseholdRelation, Tag

SENSITIVE_TAGS = {Tag.DISABILITY, Tag.LEFT_BEHIND_CHILD}


class PersonForm(forms.Form):
    """Register or edit a person. Birth date and gender come from a valid ID number."""

    name = forms.CharField(label=_("Full name"), max_length=60)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=24,
        required=False,
        help_text=_("18 characters; birth date and gender are read from it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN, required=False)
    birth_date = forms.DateField(
        label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Region.objects.filter(level=RegionLevel.COMMUNITY).select_related("parent").order_by("code"),
        required=False,
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    tags = forms.MultipleChoiceField(
        label=_("Circumstances"), choices=Tag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    disability_level = forms.CharField(
        label=_("Disability certificate level"),
        max_length=60,
        required=False,
        help_text=_("e.g. 二级 (level 2); only with the circumstance 'Person with disability'."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].label_from_instance = lambda region: f"{region.parent.name} · {region.name}"

    def clean_id_number(self):
        value = self.cleaned_data["id_number"].strip()
        if not value:
            return ""
        number, birth, gender = parse_id_number(value)
        self.derived = {"birth_date": birth, "gender": gender}
        return number

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if value:
            validate_phone(value)
            return normalize_phone(value)
        return ""

    def clean(self):
        data = super().clean()
        derived = getattr(self, "derived", None)
        if derived and data.get("id_number"):
            if data.get("birth_date") and data["birth_date"] != derived["birth_date"]:
                self.add_error("birth_date", _("The birth date does not match the one in the ID number."))
            data["birth_date"], data["gender"] = derived["birth_date"], derived["gender"]
        if data.get("birth_date") and data["birth_date"] > timezone.localdate():
            self.add_error("birth_date", _("The birth date cannot be in the future."))
        data["gender"] = data.get("gender") or Gender.UNKNOWN
        return data

    def tag_pairs(self) -> list[tuple[str, str]]:
        level = self.cleaned_data.get("disability_level", "").strip()
        return [(tag, level if tag == Tag.DISABILITY else "") for tag in self.cleaned_data.get("tags", [])]


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    channel = forms.ChoiceField(label=_("How it was given"), choices=ConsentChannel.choices)
    given_on = forms.DateField(label=_("Date given"), widget=forms.DateInput(attrs={"type": "date"}))
    guardian_name = forms.CharField(
        label=_("Guardian's name"), max_length=60, required=False, help_text=_("Required for a child under 14.")
    )
    guardian_relation = forms.CharField(label=_("Guardian's relation"), max_length=20, required=False)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("List of people"),
        help_text=_("Excel (.xlsx, .xls) or CSV (UTF-8 or GB18030); the first sheet is read."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not file_format(upload.name):
            raise ValidationError(_("Please upload an Excel file (.xlsx or .xls) or a CSV file."))
        if upload.size == 0:
            raise ValidationError(_("The file is empty."))
        if upload.size > settings.SHUNIU_MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is larger than %(size)d MB.") % {"size": settings.SHUNIU_MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class MappingForm(forms.Form):
    """One select per column of the file: which field it holds."""

    def __init__(self, *args, headers: list[str], mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        for column, header in enumerate(headers):
            self.fields[f"column_{column}"] = forms.ChoiceField(
                label=header or _("Column %(number)d") % {"number": column + 1},
                choices=field_choices(),
                required=False,
                initial=mapping.get(str(column), ""),
            )

    def mapping(self) -> dict[str, str]:
        return {
            name.removeprefix("column_"): value
            for name, value in self.cleaned_data.items()
            if value and name.startswith("column_")
        }


class MatchCheckForm(forms.Form):
    name = forms.CharField(required=False)
    id_number = forms.CharField(required=False)
    phone = forms.CharField(required=False)
    birth_date = forms.DateField(required=False)


class PhoneCheck:
    """Validates a phone for the match check without raising."""

    @staticmethod
    def clean(value: str) -> str:
        try:
            validate_phone(value)
        except ValidationError:
            return ""
        return normalize_phone(value)


class RelationForm(forms.Form):
    relation = forms.ChoiceField(label=_("Relation to household head"), choices=HouseholdRelation.choices)


class NewMemberForm(forms.Form):
    """Register someone not yet in the registry straight into a household."""

    name = forms.CharField(label=_("Full name"), max_length=60)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    relation = forms.ChoiceField(
        label=_("Relation to household head"),
        choices=[choice for choice in HouseholdRelation.choices if choice[0] != HouseholdRelation.HEAD],
    )

    def clean_id_number(self):
        value = self.cleaned_data["id_number"].strip()
        if not value:
            return ""
        number, _birth, _gender = parse_id_number(value)
        return number

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if value:
            validate_phone(value)
            return normalize_phone(value)
        return ""
