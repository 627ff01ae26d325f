"""Interface text in the six languages.

Each feature keeps its messages in its own ``i18n/<feature>.json``: a map from a
message key to its text per language. Missing translations fall back to English
and are reported by the tests, never shown as keys.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from hemicycle.languages import CODES, DEFAULT, UnknownLanguage, normalise_language

I18N_DIR = Path(__file__).parent / "i18n"


@cache
def messages() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(I18N_DIR.glob("*.json")):
        for key, texts in json.loads(path.read_text(encoding="utf-8")).items():
            if key in merged:
                raise ValueError(f"{path.name}: message key {key!r} is defined twice")
            merged[key] = texts
    return merged


def translate(key: str, lang: str, /, **values: object) -> str:
    texts = messages().get(key)
    if texts is None:
        return key
    text = texts.get(lang) or texts.get(DEFAULT) or key
    return text.format(**values) if values else text


def localise(value: object, lang: str) -> str:
    """A message for a page: a ``Message`` in ``lang`` (its ``msg.<code>`` entry), anything
    else as it is."""
    from hemicycle.messages import Message

    if isinstance(value, Message):
        key = f"msg.{value.code}"
        if key in messages():
            values = {name: localise(v, lang) if isinstance(v, Message) else v
                      for name, v in value.values.items()}
            return translate(key, lang, **values)
    return str(value)


def negotiate(query_lang: str | None, cookie_lang: str | None, accept: str | None) -> str:
    """The interface language: explicit choice, then cookie, then Accept-Language."""
    for candidate in (query_lang, cookie_lang):
        if candidate:
            try:
                return normalise_language(candidate)
            except UnknownLanguage:
                pass
    for part in (accept or "").split(","):
        tag = part.split(";")[0].strip().lower()
        primary = tag.split("-")[0]
        if primary in CODES:
            return primary
    return DEFAULT
