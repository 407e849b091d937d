from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuniu.core.models import Organization


class SearchEntry(models.Model):
    """One indexed chunk of a searchable record (its title, extra text and one piece of its body).

    The tokens live beside it in the database's own full-text index: the `search_fts` FTS5 table
    on SQLite (rowid = id), the `document` tsvector column with a GIN index on PostgreSQL; both
    are created by migration 0001 and written by `shuniu.search.backends`. The plain text is kept
    here for snippets; the filter columns let the index drop what a user may not see before
    ranking.
    """

    content_type = models.ForeignKey(ContentType, models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    chunk = models.PositiveIntegerField(default=0)
    page = models.PositiveIntegerField(default=0)
    organization = models.ForeignKey(Organization, models.CASCADE, null=True, blank=True, related_name="+")
    audience = models.CharField(max_length=16)
    category = models.CharField(max_length=64, blank=True, default="")
    kind = models.CharField(max_length=32, blank=True, default="")
    date = models.DateTimeField(null=True, blank=True)
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    text = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")
        indexes = [models.Index(fields=["content_type", "object_id"], name="search_entry_object")]

    def __str__(self):
        return f"{self.title} #{self.chunk}"
