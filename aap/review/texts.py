"""Messages of the review arithmetic: French text that stays translatable without importing Flask."""
from collections.abc import Callable


class Text(str):
    """A French message that reads as French and keeps its message id and values.

    A view shows it in the reader's language with `text.translated(gettext)`.
    """

    msgid: str
    values: dict[str, object]

    def __new__(cls, msgid: str, **values: object) -> "Text":
        # as Flask-Babel's gettext does: placeholders are filled only when values are given
        text = super().__new__(cls, msgid % values if values else msgid)
        text.msgid, text.values = msgid, values
        return text

    def translated(self, gettext: Callable[[str], str]) -> str:
        translation = gettext(self.msgid)
        return translation % self.values if self.values else translation


def _l(msgid: str, **values: object) -> Text:  # named _l so that pybabel extracts these messages with the others
    return Text(msgid, **values)
