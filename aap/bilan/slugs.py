"""A call named in a command line or a file name: its id, or `<title slugified>-<year>`."""
import re
import unicodedata

from sqlalchemy import select

from aap.calls.models import Call
from aap.extensions import db


class UnknownCall(LookupError):
    """No call, or several, answer to what was typed: the message says which."""


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def call_slug(title: str, year: int) -> str:
    """« Appel à projets ESS — 15e édition » of 2021 → appel-a-projets-ess-15e-edition-2021."""
    return f"{slugify(title)}-{year}".lstrip("-")


def find_call(typed: str) -> Call:
    """The call whose id or slug is `typed`; UnknownCall (in French) for none or several."""
    typed = typed.strip()
    if typed.isdigit():
        call = db.session.get(Call, int(typed))
        if call is None:
            raise UnknownCall(f"Aucun appel n'a l'identifiant {typed}.")
        return call
    year = re.search(r"-(\d{4})$", typed)
    candidates = db.session.execute(select(Call).where(Call.year == int(year.group(1))).order_by(Call.id)).scalars() \
        if year else []
    matching = [call for call in candidates if call_slug(call.title, call.year) == typed.lower()]
    if not matching:
        raise UnknownCall(f"Aucun appel ne s'appelle « {typed} » : donnez son identifiant ou "
                          "<titre-en-minuscules-sans-accents>-<année>, par exemple appel-a-projets-ess-2021.")
    if len(matching) > 1:
        ids = ", ".join(str(call.id) for call in matching)
        raise UnknownCall(f"Plusieurs appels s'appellent « {typed} » (identifiants {ids}) : donnez l'identifiant.")
    return matching[0]
