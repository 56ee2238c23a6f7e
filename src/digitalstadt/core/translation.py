"""Translatable content that staff enter (service texts, location information).

Each translatable attribute is stored as one column per language (`name_de`,
`name_en`), so it stays searchable and indexable in SQL; `Translated("name")` reads
the active language and falls back to German, the language of the procedure:

    class Location(models.Model):
        name_de = models.CharField(max_length=200)
        name_en = models.CharField(max_length=200, blank=True)
        name = Translated("name")
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


class Translated:
    def __init__(self, base: str):
        self.base = base

    def __set_name__(self, owner, name):
        self.attr = name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
        value = getattr(obj, f"{self.base}_{language}", "") or ""
        if not value:
            value = getattr(obj, f"{self.base}_{settings.LANGUAGE_CODE}", "") or ""
        return value

    def __set__(self, obj, value):
        raise AttributeError(f"set {self.base}_de / {self.base}_en instead of {self.base}")


def translated_field_names(base: str) -> list[str]:
    return [f"{base}_{code}" for code, _label in settings.LANGUAGES]
