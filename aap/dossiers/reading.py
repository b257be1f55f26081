"""The reading view of a dossier: every answer in its form's order, formatted, built once for the page and the PDFs.

It is built from a `Source`, either the dossier as it stands or a receipt's content as it was submitted, and
honours the blind rule: a hidden-identity reader gets « Masqué pour la relecture » in place of the organisation's
identity and of every answer the form marks as identifying.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import url_for
from flask_babel import gettext as _

from aap.core.formatting import money, number, short_date
from aap.dossiers.attachments import OTHER
from aap.extensions import db
from aap.organisations.communes import all_communes, commune_name
from aap.organisations.forms import LEGAL_FORM_LABELS
from aap.questionnaire import budget
from aap.questionnaire.models import FormVersion

EMPTY = (None, "", [], (), {})


@dataclass(frozen=True)
class Line:
    """One row of the reading: a label and its formatted value.

    `kind` says how to show `value`: text, long_text (kept paragraphs), list (a tuple of texts),
    budget (a BudgetTable), files (a tuple of FileRef), missing or masked (no value).
    """
    label: str
    kind: str
    value: object = None
    key: str = ""


@dataclass(frozen=True)
class BudgetTable:
    charges: tuple[tuple[str, str], ...]
    produits: tuple[tuple[str, str], ...]
    charges_total: str
    produits_total: str
    balanced: bool


@dataclass(frozen=True)
class FileRef:
    #: empty when withheld: a file's name may name the holder too
    name: str
    size_kb: int
    #: the download link; None in a PDF, or when the file is withheld from this reader
    url: str | None = None
    withheld: bool = False


@dataclass(frozen=True)
class ReadingSection:
    key: str
    title: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Reading:
    reference: str | None
    dossier: tuple[Line, ...]
    identity: tuple[Line, ...]
    sections: tuple[ReadingSection, ...]
    pieces: tuple[Line, ...]
    identity_hidden: bool


@dataclass(frozen=True)
class Source:
    """What a reading is built from; the current dossier and a receipt's pinned content both give one."""
    reference: str | None
    call: str
    strand: str | None
    title: str
    summary: str
    requested_amount: str | None
    organisation: dict
    form_version: FormVersion | None
    answers: dict
    #: (kind, name, size in bytes, attachment id or None)
    attachments: tuple[tuple[str, str, int, int | None], ...]
    #: the pieces asked for: (key, label)
    asked: tuple[tuple[str, str], ...]
    #: {"consent": bool, "summary": str}: what the holder agreed to see published in the bilan; None on older receipts
    publication: dict | None = None


def current_source(dossier) -> Source:
    organisation = dossier.organisation
    identity = {"name": organisation.name, "siret": organisation.siret, "rna": organisation.rna,
                "legal_form": organisation.legal_form, "address": organisation.address,
                "commune_insee": organisation.commune_insee, "in_qpv": organisation.in_qpv,
                "creation_date": organisation.creation_date, "paid_staff_fte": organisation.paid_staff_fte,
                "volunteers": organisation.volunteers}
    return Source(dossier.reference, str(dossier.call), dossier.strand.name if dossier.strand else None,
                  dossier.title, dossier.summary,
                  str(dossier.requested_amount) if dossier.requested_amount is not None else None, identity,
                  dossier.form_version, dossier.answers or {},
                  tuple((a.kind, a.file_name, a.file_size, a.id) for a in dossier.attachments),
                  tuple((piece["key"], piece["label"]) for piece in dossier.pieces()), dossier.publication())


def receipt_source(receipt) -> Source:
    """The dossier exactly as this receipt sealed it: its answers, its pinned form version, its files."""
    content = receipt.content
    version = db.session.get(FormVersion, content["form_version"]) if content.get("form_version") else None
    identity = {"name": content.get("organisation"), "siret": content.get("siret"), "rna": content.get("rna"),
                **(content.get("organisation_details") or {})}
    asked = [(item["key"], item["label"]) for item in receipt.dossier.call.required_attachments]
    if version is not None:
        asked += [(q.key, q.label) for q in version.definition.fields() if q.type == "file"]
    return Source(content.get("reference") or receipt.reference, content.get("call", ""), content.get("strand"),
                  content.get("title", ""), content.get("summary", ""), content.get("requested_amount"), identity,
                  version, content.get("answers") or {},
                  tuple((a["kind"], a["name"], a["size"], None) for a in content.get("attachments", [])),
                  tuple(asked), content.get("publication"))


def build(source: Source, identity_hidden: bool, withheld=lambda kind: False, dossier_id=None) -> Reading:
    """The reading of `source`; `dossier_id` gives download links (the page), `withheld(kind)` refuses some."""
    files = _files(source, identity_hidden, withheld, dossier_id)
    return Reading(source.reference, _dossier_lines(source), _identity_lines(source.organisation, identity_hidden),
                   _sections(source, identity_hidden, files), _piece_lines(source, files), identity_hidden)


def _dossier_lines(source: Source) -> tuple[Line, ...]:
    lines = [Line(_("Appel à projets"), "text", source.call), Line(_("Titre du projet"), "text", source.title)]
    if source.strand:
        lines.append(Line(_("Volet"), "text", source.strand))
    amount = _decimal(source.requested_amount)
    lines.append(Line(_("Montant demandé"), "text", money(amount)) if amount is not None
                 else Line(_("Montant demandé"), "missing"))
    lines.append(Line(_("Description du projet"), "long_text", source.summary) if source.summary.strip()
                 else Line(_("Description du projet"), "missing"))
    if source.publication is not None:
        consent = source.publication.get("consent")
        lines.append(Line(_("Publication dans le bilan"), "text",
                          _("Acceptée, si le projet est soutenu") if consent else _("Non acceptée")))
        if consent and (source.publication.get("summary") or "").strip():
            lines.append(Line(_("Résumé public du projet"), "long_text", source.publication["summary"]))
    return tuple(lines)


def _identity_lines(identity: dict, hidden: bool) -> tuple[Line, ...]:
    """The organisation's identity; its name, identifiers, address and age are what a blind reader must not see."""
    legal_form = identity.get("legal_form")
    qpv = identity.get("in_qpv")
    fte, volunteers = _decimal(identity.get("paid_staff_fte")), identity.get("volunteers")
    rows = [
        (_("Nom de la structure"), identity.get("name"), True),
        (_("Forme juridique"), str(LEGAL_FORM_LABELS.get(legal_form, legal_form)) if legal_form else None, False),
        (_("SIRET"), identity.get("siret"), True), (_("Numéro RNA"), identity.get("rna"), True),
        (_("Adresse du siège"), identity.get("address"), True),
        (_("Commune du siège"), commune_name(identity["commune_insee"]) if identity.get("commune_insee") else None,
         False),
        (_("Siège en quartier prioritaire (QPV)"), None if qpv is None else (_("Oui") if qpv else _("Non")), False),
        (_("Date de création"), _date(identity.get("creation_date")), True),
        (_("Salarié·es (ETP)"), _number(fte) if fte is not None else None, False),
        (_("Bénévoles"), _number(Decimal(volunteers)) if volunteers is not None else None, False),
    ]
    return tuple(_line(label, "text", value, masked=hidden and identifying) for label, value, identifying in rows)


def _line(label, kind, value, masked=False, key="") -> Line:
    if masked:
        return Line(label, "masked", key=key)
    if value in EMPTY:
        return Line(label, "missing", key=key)
    return Line(label, kind, value, key=key)


def _sections(source: Source, hidden: bool, files: dict) -> tuple[ReadingSection, ...]:
    if source.form_version is None:
        return ()
    answers, sections = source.answers, []
    for section in source.form_version.definition.sections:
        lines = tuple(_answer_line(question, answers.get(question.key), hidden, files)
                      for question in section.fields if question.applies(answers))
        sections.append(ReadingSection(section.key, section.title, lines))
    return tuple(sections)


def _answer_line(question, value, hidden: bool, files: dict) -> Line:
    masked = hidden and question.identifying
    if question.type == "file":
        return _line(question.label, "files", tuple(files.get(question.key, ())), masked, question.key)
    if value in EMPTY or masked:
        return _line(question.label, "text", None, masked, question.key)
    kind, shown = format_answer(question, value)
    return _line(question.label, kind, shown, key=question.key)


def format_answer(question, value) -> tuple[str, object]:
    """How one stored answer reads: its kind of display and its text in French format."""
    kind = question.type
    if kind == "budget":
        return "budget", budget_table(value if isinstance(value, dict) else {})
    if kind == "multi_choice":
        chosen = value if isinstance(value, list) else [value]
        return "list", tuple(_choice_label(question, item) for item in chosen)
    if kind in ("choice", "commune"):
        return "text", _choice_label(question, value)
    if kind == "yes_no":
        return "text", {"oui": _("Oui"), "non": _("Non")}.get(str(value), str(value))
    if kind in ("number", "money"):
        amount = _decimal(value)
        return "text", str(value) if amount is None else money(amount) if kind == "money" else _number(amount)
    if kind == "date":
        return "text", _date(value) or str(value)
    return ("long_text" if kind == "long_text" else "text"), str(value)


def _choice_label(question, value) -> str:
    """A commune may be stored by its INSEE code; the other choices are stored as their label."""
    if question.type == "commune" or question.choices == "communes":
        return all_communes()[value].name if value in all_communes() else str(value)
    return str(value)


def budget_table(values: dict) -> BudgetTable:
    charges, produits = budget.totals(values)
    given = lambda lines: tuple((str(label), money(budget.amount(values.get(code))))  # noqa: E731
                                for code, label in lines if values.get(code) not in (None, ""))
    return BudgetTable(given(budget.CHARGES), given(budget.PRODUITS), money(charges), money(produits),
                       charges == produits)


def _files(source: Source, hidden: bool, withheld, dossier_id) -> dict[str, list[FileRef]]:
    by_kind: dict[str, list[FileRef]] = {}
    for kind, name, size, attachment_id in source.attachments:
        refused = withheld(kind)
        url = url_for("dossiers.download", dossier_id=dossier_id, attachment_id=attachment_id) \
            if dossier_id is not None and attachment_id is not None and not refused else None
        by_kind.setdefault(kind, []).append(FileRef("" if refused else name, -(-size // 1024), url, refused))
    return by_kind


def _piece_lines(source: Source, files: dict) -> tuple[Line, ...]:
    """Each piece asked for, then the other pieces; a piece's title stays even when its file is withheld."""
    asked = list(source.asked) + [(OTHER, _("Autres pièces"))]
    known = {key for key, _label in asked}
    asked += [(kind, kind) for kind in files if kind not in known]
    return tuple(_line(label, "files", tuple(files.get(key, ())), key=key) for key, label in asked
                 if key != OTHER or files.get(OTHER))


def _decimal(value) -> Decimal | None:
    if value in EMPTY:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _number(value: Decimal) -> str:
    return number(value, max(0, -value.normalize().as_tuple().exponent))


def _date(value) -> str | None:
    if value in EMPTY:
        return None
    try:
        return short_date(value if isinstance(value, date) else date.fromisoformat(str(value)))
    except ValueError:
        return None
