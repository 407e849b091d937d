from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A staff account. Citizens use the portal without an account (tracking codes)."""

    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    phone = models.CharField(_("work phone"), max_length=40, blank=True)
    preferred_language = models.CharField(_("language"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username
