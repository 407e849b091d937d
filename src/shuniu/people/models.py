from django.db import models
from django.utils.translation import gettext_lazy as _

from shuniu.core.fields import BlindIndexField, EncryptedTextField
from shuniu.core.models import Organization, Region
from shuniu.core.scoping import ScopedQuerySet, get_scope


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    UNKNOWN = "unknown", _("Unknown")


class PersonQuerySet(ScopedQuerySet):
    view_permission = "people:view"

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
        return self.filter(servings__organization_id__in=org_ids).distinct()


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
    created_by_org = models.ForeignKey(
        Organization, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["name"], name="people_person_name")]

    def __str__(self):
        return self.name


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
