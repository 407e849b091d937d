from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuniu.core.permissions import Role


class RegionLevel(models.TextChoices):
    DISTRICT = "district", _("District")
    STREET = "street", _("Sub-district (street)")
    COMMUNITY = "community", _("Community")


class Region(models.Model):
    """A place in the district tree (district → street → community) with its statistical code.

    `path` holds the ancestors' ids (`/1/4/17/`) so that "this street and everything below it" is
    one indexed prefix filter.
    """

    code = models.CharField(_("statistical code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=12, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if path != self.path:
            self.path = path
            type(self).objects.filter(pk=self.pk).update(path=path)

    @property
    def street(self):
        if self.level == RegionLevel.COMMUNITY:
            return self.parent
        return self if self.level == RegionLevel.STREET else None


class OrganizationKind(models.TextChoices):
    UNION = "union", _("Trade union")
    YOUTH_LEAGUE = "youth_league", _("Communist Youth League")
    WOMENS_FEDERATION = "womens_federation", _("Women's Federation")
    SCIENCE_ASSOCIATION = "science_association", _("Association for Science and Technology")
    DISABLED_FEDERATION = "disabled_federation", _("Disabled Persons' Federation")
    RED_CROSS = "red_cross", _("Red Cross Society")
    JOINT_OFFICE = "joint_office", _("Joint office")
    GOV_DEPARTMENT = "gov_department", _("Government department")
    SOCIAL_ORG = "social_org", _("Affiliated social organisation")


MASS_ORGANIZATION_KINDS = [
    OrganizationKind.UNION,
    OrganizationKind.YOUTH_LEAGUE,
    OrganizationKind.WOMENS_FEDERATION,
    OrganizationKind.SCIENCE_ASSOCIATION,
    OrganizationKind.DISABLED_FEDERATION,
    OrganizationKind.RED_CROSS,
]


class Organization(models.Model):
    """A mass organisation, one of its street/community branches, a government department, an
    affiliated social organisation or the joint office. Branches point to their parent, so an
    organisation's staff reach the work of its branches (`path` prefix, as for regions)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=150)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=OrganizationKind.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="branches")
    region = models.ForeignKey(Region, models.PROTECT, related_name="organizations", verbose_name=_("region"))
    hub = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="affiliates",
        verbose_name=_("hub organisation"),
        help_text=_("For an affiliated social organisation: the mass organisation it is affiliated with."),
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if path != self.path:
            self.path = path
            type(self).objects.filter(pk=self.pk).update(path=path)

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def root(self) -> "Organization":
        """The top of this organisation's tree (the district-level body of a branch)."""
        root_id = int(self.path.strip("/").split("/")[0]) if self.path else self.pk
        return self if root_id == self.pk else type(self).objects.get(pk=root_id)

    def subtree(self):
        return type(self).objects.filter(path__startswith=self.path)


class Membership(models.Model):
    """A user's role in one organisation. A user may hold several (e.g. caseworker in a street
    branch and supervisor in another). Permissions follow the role; reach follows the organisation
    and its branches."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="core_membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.organization} · {self.get_role_display()}"
