"""Model fields for personal data.

`EncryptedTextField` stores a Fernet token and gives back the plaintext in Python.
`BlindIndexField(source=..., normalizer=..., purpose=...)` fills itself from the source field on
every save and bulk_create, so exact lookups (`filter(id_number_index=blind_index_for(...))`) need
no plaintext in the database.
"""

from collections.abc import Callable

from django.db import models
from django.utils.module_loading import import_string

from shuniu.core import crypto


class EncryptedTextField(models.TextField):
    """Encrypted at rest; empty values are stored as ''. Not searchable: pair it with a BlindIndexField."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        if value.startswith(crypto.PREFIX):
            return value
        return crypto.encrypt(value)

    def value_to_string(self, obj):
        return ""  # never serialise plaintext (dumpdata, fixtures)


class HmacIndexField(models.CharField):
    """Base of the keyed-hash index fields: a 64-character, indexed, non-editable column that
    fills itself on every save and bulk_create (`pre_save` computes it from other fields of the
    row). Subclasses name their own options in `index_options` and compute the value."""

    index_options: tuple[str, ...] = ()
    _defaults = {"max_length": 64, "blank": True, "default": "", "editable": False, "db_index": True}

    def __init__(self, *args, **kwargs):
        for option, value in self._defaults.items():
            kwargs.setdefault(option, value)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update({option: getattr(self, option) for option in self.index_options})
        for option in self._defaults:
            kwargs.pop(option, None)
        return name, path, args, kwargs

    def value_for(self, model_instance) -> str:
        raise NotImplementedError

    def pre_save(self, model_instance, add):
        value = self.value_for(model_instance)
        setattr(model_instance, self.attname, value)
        return value


class BlindIndexField(HmacIndexField):
    """The HMAC of one (normalised) encrypted field, for exact lookups."""

    index_options = ("source", "normalizer", "purpose")

    def __init__(self, *args, source: str = "", normalizer: str = "", purpose: str = "", **kwargs):
        self.source = source
        self.normalizer = normalizer
        self.purpose = purpose or source
        super().__init__(*args, **kwargs)

    def _normalize(self) -> Callable[[str], str]:
        return import_string(self.normalizer) if self.normalizer else (lambda value: value)

    def compute(self, plaintext: str | None) -> str:
        if not plaintext:
            return ""
        return crypto.blind_index(self._normalize()(plaintext), self.purpose)

    def value_for(self, model_instance) -> str:
        return self.compute(getattr(model_instance, self.source))


def blind_index_for(model: type[models.Model], field_name: str, plaintext: str) -> str:
    """The index value to filter on:
    `Person.objects.filter(id_number_index=blind_index_for(Person, "id_number_index", x))`."""
    field = model._meta.get_field(field_name)
    assert isinstance(field, BlindIndexField)
    return field.compute(plaintext)
