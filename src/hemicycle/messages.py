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


def message_json(message: Message) -> dict[str, Any]:
    """A message as JSON (its code and values, a message among them alike), so that one
    kept in the catalogue (a finding, a review task) can be said later in a reader's
    language."""
    return {"code": message.code, "values": {
        name: {"message": message_json(value), "text": str(value)}
        if isinstance(value, Message) else value for name, value in message.values.items()}}


def message_from_json(text: str, said: object) -> str:
    """The message ``message_json`` kept, with its English ``text``; the text alone when
    ``said`` is not such a record (kept before messages were, or damaged)."""
    if not isinstance(said, dict) or not isinstance(said.get("code"), str) \
            or not isinstance(said.get("values"), dict):
        return text
    values = {name: message_from_json(str(value.get("text", "")), value.get("message"))
              if isinstance(value, dict) else value for name, value in said["values"].items()}
    return _rebuild(said["code"], text, values)
