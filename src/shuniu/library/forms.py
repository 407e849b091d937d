from django import forms
from django.utils.translation import gettext_lazy as _

from shuniu.core.models import Organization
from shuniu.library.detection import ACCEPT
from shuniu.library.models import Audience, Category, FileKind, ReportReason, Resource


class ResourceForm(forms.ModelForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word (.docx/.doc), Excel (.xlsx), PowerPoint (.pptx), text (.txt) or an image."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    class Meta:
        model = Resource
        fields = ["organization", "title", "summary", "category", "tags", "audience", "free_preview_pages"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organizations, with_file=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].empty_label = None
        self.fields["audience"].initial = Audience.STAFF
        self.fields["free_preview_pages"].min_value = 1
        self.fields["free_preview_pages"].max_value = 20
        self.fields["free_preview_pages"].widget.attrs.update({"min": 1, "max": 20})
        if not with_file:
            del self.fields["file"]
            del self.fields["organization"]

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if len(title) < 2:
            raise forms.ValidationError(_("Give the resource a title of at least 2 characters."))
        return title

    def clean_free_preview_pages(self):
        value = self.cleaned_data["free_preview_pages"]
        if not 1 <= value <= 20:
            raise forms.ValidationError(_("Between 1 and 20 pages."))
        return value


class VersionForm(forms.Form):
    file = forms.FileField(label=_("New file"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=ReportReason.choices)
    details = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("uphold", _("Hide the resource")), ("dismiss", _("Dismiss the report"))])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


SORTS = [("newest", _("Newest")), ("downloads", _("Most downloaded"))]
SHOW = [("", _("All resources")), ("favorites", _("My favourites")), ("mine", _("My uploads"))]


class BrowseForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All categories")), *Category.choices], required=False
    )
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("All organisations"),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("All types")), *FileKind.choices], required=False)
    date_from = forms.DateField(
        label=_("Uploaded from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("Uploaded until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(label=_("Order"), choices=SORTS, required=False)
    show = forms.ChoiceField(label=_("Show"), choices=SHOW, required=False)

    def __init__(self, *args, public=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.filter(is_active=True, library_resources__isnull=False).distinct().order_by("code")
        )
        if public:
            del self.fields["show"]
