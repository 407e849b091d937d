from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuniu.core.fields import BlindIndexField, EncryptedTextField, HmacIndexField
from shuniu.core.models import Organization, Region
from shuniu.core.scoping import RowExists, ScopedQuerySet, get_scope


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    UNKNOWN = "unknown", _("Unknown")


class NameKeyField(models.CharField):
    """The folded pinyin of `name`, filled on every save and bulk_create (blocking key for matching)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 120)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key in ("max_length", "blank", "default", "editable", "db_index"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        from shuniu.people.matching import name_key

        value = name_key(model_instance.name or "")
        setattr(model_instance, self.attname, value)
        return value


class MatchKeyField(HmacIndexField):
    """A blind index (HMAC, as `BlindIndexField`) of a blocking key built from several fields of the
    person (e.g. name pinyin + sorted phone digits), filled on every save and bulk_create, so the
    check of one new registrant finds its blocks with indexed lookups and no plaintext is stored."""

    index_options = ("key", "sources", "purpose")

    def __init__(self, *args, key: str = "", sources: tuple[str, ...] = (), purpose: str = "", **kwargs):
        self.key = key
        self.sources = tuple(sources)
        self.purpose = purpose
        super().__init__(*args, **kwargs)

    def compute(self, *values: str) -> str:
        from django.utils.module_loading import import_string

        from shuniu.core import crypto

        plaintext = import_string(self.key)(*[value or "" for value in values])
        return crypto.blind_index(plaintext, self.purpose) if plaintext else ""

    def value_for(self, model_instance) -> str:
        return self.compute(*[getattr(model_instance, source) for source in self.sources])


class PersonQuerySet(ScopedQuerySet):
    view_permission = "people:view"

    def current(self):
        """People not merged into another record (the registry as users know it)."""
        return self.filter(merged_into__isnull=True)

    def visible_to(self, user):
        """A person's details are visible to the organisations serving them (with branches) and to
        district roles; everyone else sees nothing (they may learn that a match exists through
        the registry's match check, never the details)."""
        scope = get_scope(user)
        if not scope.memberships:
            return self.none()
        org_ids = scope.org_ids_with(self.view_permission)
        if org_ids is None:
            return self
        # A record merged into another follows it: its rows now hang on the survivor, so the
        # survivor's serving organisations may still open it (history, undo).
        # Probed row by row (RowExists): a hash of every person an organisation serves (a tenth of
        # a million-person registry) for each lookup of one phone number was most of its time.
        serving = Serving.objects.filter(organization_id__in=org_ids)
        return self.filter(
            models.Q(RowExists(serving.filter(person_id=models.OuterRef("pk"))))
            | models.Q(RowExists(serving.filter(person_id=models.OuterRef("merged_into"))))
        )


class HouseholdRelation(models.TextChoices):
    """A member's relation to the head of the household, as in the household register (户口簿)."""

    HEAD = "head", pgettext_lazy("household relation", "Head of household")
    SPOUSE = "spouse", pgettext_lazy("household relation", "Spouse")
    CHILD = "child", pgettext_lazy("household relation", "Child")
    PARENT = "parent", pgettext_lazy("household relation", "Parent")
    GRANDCHILD = "grandchild", pgettext_lazy("household relation", "Grandchild")
    GRANDPARENT = "grandparent", pgettext_lazy("household relation", "Grandparent")
    SIBLING = "sibling", pgettext_lazy("household relation", "Brother or sister")
    CHILD_IN_LAW = "child_in_law", pgettext_lazy("household relation", "Son- or daughter-in-law")
    OTHER = "other", pgettext_lazy("household relation", "Other relative or member")


class HouseholdQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A household's details are visible to the organisations serving one of its members (and to
        district roles): the same rule as for people, through the members."""
        people = Person.objects.visible_to(user)
        if people.query.is_empty():
            return self.none()
        if not people.query.where:
            return self
        return self.filter(pk__in=people.filter(household__isnull=False).values("household_id"))


class Household(models.Model):
    """A household (户): people living together whose aid is counted together (per-household caps)."""

    name = models.CharField(_("household name"), max_length=60, help_text=_("Usually the head's name, e.g. 王芳户"))
    community = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="households", verbose_name=_("community")
    )
    address = EncryptedTextField(_("address"), blank=True, default="")
    members_count = models.PositiveSmallIntegerField(_("members"), default=1)
    monthly_income = models.DecimalField(
        _("household monthly income (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self):
        return self.name


class Person(models.Model):
    """Someone the organisations serve: one record shared by all of them (服务对象)."""

    name = models.CharField(_("name"), max_length=60)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, default=Gender.UNKNOWN)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_number = EncryptedTextField(_("ID number"), blank=True, default="")
    id_number_index = BlindIndexField(
        source="id_number", normalizer="shuniu.core.validators.normalize_id_number", purpose="id_number"
    )
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    phone_index = BlindIndexField(source="phone", normalizer="shuniu.core.validators.normalize_phone", purpose="phone")
    community = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="people", verbose_name=_("community")
    )
    address = EncryptedTextField(_("address"), blank=True, default="")
    household = models.ForeignKey(
        Household, models.SET_NULL, null=True, blank=True, related_name="members", verbose_name=_("household")
    )
    relation_to_head = models.CharField(_("relation to household head"), max_length=20, blank=True)
    name_key = NameKeyField()
    id_fragment_index = BlindIndexField(
        source="id_number", normalizer="shuniu.people.matching.id_without_birth", purpose="id_fragment"
    )
    address_index = BlindIndexField(
        source="address", normalizer="shuniu.people.matching.normalize_address", purpose="address"
    )
    # The batch resolver's other blocking keys that fit one record (shuniu.people.matching.blocking_keys).
    id_digits_index = BlindIndexField(
        source="id_number", normalizer="shuniu.people.matching.id_digits_key", purpose="id_digits"
    )
    name_phone_index = MatchKeyField(
        key="shuniu.people.matching.name_phone_key", sources=("name", "phone"), purpose="name_phone"
    )
    name_community_index = MatchKeyField(
        key="shuniu.people.matching.name_community_key", sources=("name", "address"), purpose="name_community"
    )
    merged_into = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="merged_from", verbose_name=_("merged into")
    )
    anonymized_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    sharing_withdrawn_at = models.DateTimeField(
        _("sharing consent withdrawn at"),
        null=True,
        blank=True,
        help_text=_("While set, the record is not shared with organisations that do not already serve the person."),
    )
    created_by_org = models.ForeignKey(
        Organization, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["name"], name="people_person_name"),
            models.Index(fields=["birth_date"], name="people_person_birth"),
        ]

    def __str__(self):
        return self.name

    @property
    def age(self) -> int | None:
        if self.birth_date is None:
            return None
        today = timezone.localdate()
        return (
            today.year
            - self.birth_date.year
            - ((today.month, today.day) < (self.birth_date.month, self.birth_date.day))
        )

    @property
    def is_minor_under_14(self) -> bool:
        """PIPL art. 31: personal information of a child under 14 needs a guardian's consent."""
        return self.age is not None and self.age < 14

    def to_record(self):
        from shuniu.people.matching import Record

        return Record(
            key=self.pk,
            name=self.name,
            id_number=self.id_number,
            birth_date=self.birth_date,
            gender=self.gender,
            phone=self.phone,
            address=self.address,
        )


class Serving(models.Model):
    """An organisation serves a person (registered them, holds a case or an application)."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="servings")
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="servings")
    since = models.DateField(_("since"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("serving organisation")
        verbose_name_plural = _("serving organisations")
        constraints = [models.UniqueConstraint(fields=["person", "organization"], name="people_serving_unique")]

    def __str__(self):
        return f"{self.organization} → {self.person}"


class Tag(models.TextChoices):
    IN_DIFFICULTY = "in_difficulty", _("Person in difficulty")
    WORKER_IN_HARDSHIP = "worker_in_hardship", _("Worker in hardship")
    DISABILITY = "disability", _("Person with disability")
    LEFT_BEHIND_CHILD = "left_behind_child", _("Left-behind child")
    SINGLE_PARENT = "single_parent", _("Single parent")
    ELDERLY_ALONE = "elderly_alone", _("Elderly living alone")
    LOW_INCOME = "low_income", _("Low-income household")
    STUDENT = "student", _("Student")
    UNEMPLOYED = "unemployed", _("Unemployed")


class PersonTag(models.Model):
    """A circumstance of a person that programmes and reports target (e.g. disability, level 2)."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="tags")
    tag = models.CharField(_("tag"), max_length=32, choices=Tag.choices)
    detail = models.CharField(_("detail"), max_length=60, blank=True, help_text=_("e.g. disability certificate level"))
    organization = models.ForeignKey(Organization, models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person tag")
        verbose_name_plural = _("person tags")
        constraints = [models.UniqueConstraint(fields=["person", "tag"], name="people_persontag_unique")]
        indexes = [models.Index(fields=["tag", "person"], name="people_tag_person")]

    def __str__(self):
        return f"{self.person} · {self.get_tag_display()}"


class ConsentPurpose(models.TextChoices):
    SERVICE = "service", _("Processing for services and assistance")
    SHARING = "sharing", _("Sharing with other organisations on the platform")
    SENSITIVE = "sensitive", _("Processing of sensitive personal information")


class ConsentChannel(models.TextChoices):
    PAPER = "paper", _("Signed paper form")
    IN_PERSON = "in_person", _("In person, recorded by staff")
    PHONE = "phone", _("By telephone")
    ONLINE = "online", _("Online")


class ConsentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    """A person's consent (PIPL) for one purpose, given to one organisation; withdrawal is recorded,
    never deleted. A child under 14 consents through a guardian."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="consents")
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="+", verbose_name=_("organisation"))
    purpose = models.CharField(_("purpose"), max_length=16, choices=ConsentPurpose.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=ConsentChannel.choices)
    given_on = models.DateField(_("date given"))
    guardian_name = models.CharField(_("guardian's name"), max_length=60, blank=True)
    guardian_relation = models.CharField(_("guardian's relation"), max_length=20, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["person", "purpose"], name="people_consent_purpose")]

    def __str__(self):
        return f"{self.person} · {self.get_purpose_display()}"


class MatchLevel(models.TextChoices):
    LIKELY = "likely", _("Likely the same person")
    POSSIBLE = "possible", _("Possibly the same person")


class MatchStatus(models.TextChoices):
    OPEN = "open", _("Waiting for review")
    MERGED = "merged", _("Merged")
    DISTINCT = "distinct", _("Different people")


class MatchCandidateQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Pairs whose two records the user may both see: comparing needs both sides' details."""
        visible = Person.objects.visible_to(user)
        return self.filter(person_low__in=visible.values("pk"), person_high__in=visible.values("pk"))


class MatchCandidate(models.Model):
    """A pair of records that may be one person, found by blocking and scoring; never merged
    automatically. A pair marked distinct is kept so that it is never proposed again."""

    person_low = models.ForeignKey(Person, models.CASCADE, related_name="+")
    person_high = models.ForeignKey(Person, models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    level = models.CharField(_("level"), max_length=10, choices=MatchLevel.choices)
    fields = models.JSONField(_("field scores"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=MatchStatus.choices, default=MatchStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = MatchCandidateQuerySet.as_manager()

    class Meta:
        verbose_name = _("match candidate")
        verbose_name_plural = _("match candidates")
        constraints = [
            models.UniqueConstraint(fields=["person_low", "person_high"], name="people_match_pair_unique"),
            models.CheckConstraint(
                condition=models.Q(person_low__lt=models.F("person_high")), name="people_match_order"
            ),
        ]
        indexes = [models.Index(fields=["status", "-score"], name="people_match_queue")]

    def __str__(self):
        return f"{self.person_low_id} ~ {self.person_high_id} ({self.score:.2f})"


class MergeRecord(models.Model):
    """One merge: what each record held before (encrypted JSON), which field came from which side,
    and which rows of other tables were re-pointed, so the merge can be undone exactly."""

    survivor = models.ForeignKey(Person, models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, models.PROTECT, related_name="+")
    candidate = models.ForeignKey(MatchCandidate, models.SET_NULL, null=True, blank=True, related_name="+")
    choices = models.JSONField(default=dict)
    snapshot = EncryptedTextField(default="")
    moved = models.JSONField(default=dict)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self):
        return f"{self.merged_id} → {self.survivor_id}"


class ImportMapping(models.Model):
    """The column mapping an organisation chose last time, by header text (remembered per organisation)."""

    organization = models.OneToOneField(Organization, models.CASCADE, related_name="+")
    columns = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return str(self.organization)


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded, waiting for the column mapping")
    ANALYSING = "analysing", _("Checking rows")
    READY = "ready", _("Checked, waiting for confirmation")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class ImportJobQuerySet(ScopedQuerySet):
    view_permission = "people:import"


class ImportJob(models.Model):
    """One uploaded list of people: mapping, row checks, then one all-or-nothing import."""

    organization = models.ForeignKey(Organization, models.PROTECT, related_name="+", verbose_name=_("organisation"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    file = models.FileField(upload_to="people/imports/%Y/%m/", max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    sheet_title = models.CharField(max_length=200, blank=True)
    header_row = models.PositiveIntegerField(default=1)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    warning_rows = models.PositiveIntegerField(default=0)
    rejected_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    linked_count = models.PositiveIntegerField(default=0)
    error_message = models.TextField(blank=True)
    report_file = models.FileField(upload_to="people/reports/%Y/%m/", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return self.original_name


class RowStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    WARNING = "warning", _("Valid, with a warning")
    REJECTED = "rejected", _("Rejected")


class ImportRow(models.Model):
    """One data row of an uploaded file: its values (encrypted JSON) and problems."""

    job = models.ForeignKey(ImportJob, models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField()
    values = EncryptedTextField(default="")
    problems = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=RowStatus.choices)
    person = models.ForeignKey(Person, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["job", "status", "row_number"], name="people_importrow_job")]

    def __str__(self):
        return f"{self.job_id}#{self.row_number}"
