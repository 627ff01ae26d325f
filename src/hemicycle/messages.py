"""Messages that reach a reader (errors, findings), translatable where they are shown.

A ``Message`` is the English text itself (a ``str``: logs and the command line keep
reading it as before) that also carries a stable code and its values. A page, and a JSON
error answer, say it in the interface language through the ``msg.<code>`` entry of the
web layer's message files (``hemicycle/web/i18n/messages.json`` and ``errors.json``);
the JSON answer carries the code too. The tests check every code used in the sources has
its six translations.
"""

from __future__ import annotations

from typing import Any


class Message(str):
    """English text with the code and values a page translates it from."""

    code: str
    values: dict[str, Any]

    def __new__(cls, code: str, english: str, /, **values: Any) -> Message:
        text = english.format(**values) if values else english
        obj = super().__new__(cls, text)
        obj.code = code
        obj.values = values
        return obj

    def mapped(self, change) -> Message:
        """The same message with ``change`` applied to its text and to each text value
        (cutting server paths out of a reason, say)."""
        values = {name: value.mapped(change) if isinstance(value, Message)
                  else change(value) if isinstance(value, str) else value
                  for name, value in self.values.items()}
        return _rebuild(self.code, change(str(self)), values)

    def __reduce__(self):
        return (_rebuild, (self.code, str(self), self.values))


def _rebuild(code: str, text: str, values: dict[str, Any]) -> Message:
    obj = str.__new__(Message, text)
    obj.code = code
    obj.values = values
    return obj


def message_of(value: object) -> object:
    """The Message inside an exception (its first argument), else the value itself."""
    if isinstance(value, BaseException) and value.args:
        first = value.args[0]
        return first if isinstance(first, Message) else str(value)
    return value
