"""What a file of past editions is checked for across its rows and against the database.

Within the file: one reference per dossier, one title and one envelope per edition, one year per edition number.
Against the database: an edition entered in the application is never imported over, an edition number keeps its
year, a reference belongs to one dossier. A dossier already imported from the same edition is left unchanged.
"""
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from aap.bilan.history_marks import calls_by_reference, imported_call_ids
from aap.bilan.history_parse import Table
from aap.bilan.history_rows import RowData
from aap.calls.models import Call
from aap.core.formatting import money
from aap.extensions import db


@dataclass
class Checked:
    """The rows to create, those already imported, and the imported editions the file adds to."""
    rows: list[RowData] = field(default_factory=list)
    unchanged: list[RowData] = field(default_factory=list)
    calls: dict[tuple[int, int], Call] = field(default_factory=dict)


def check_file(table: Table, rows: list[RowData]) -> None:
    """The checks across rows; their problems are added to the table's."""
    _check_references(table, rows)
    editions = _editions(rows)
    for edition_rows in editions.values():
        _check_edition(table, edition_rows)
    _check_numbers(table, editions)


def _check_references(table: Table, rows: list[RowData]) -> None:
    first_line: dict[str, int] = {}
    for row in rows:
        if not row.reference:
            continue
        if row.reference in first_line:
            table.problem(row.line, "reference", _("la référence « %(reference)s » figure deux fois, lignes %(first)d "
                                                   "et %(line)d : chaque dossier a la sienne.",
                                                   reference=row.reference, first=first_line[row.reference],
                                                   line=row.line))
        else:
            first_line[row.reference] = row.line


def _editions(rows: list[RowData]) -> dict[tuple[int, int], list[RowData]]:
    editions = defaultdict(list)
    for row in rows:
        if row.year is not None and row.edition is not None:
            editions[row.edition_key].append(row)
    return dict(editions)


def _check_edition(table: Table, rows: list[RowData]) -> None:
    first = rows[0]
    with_envelope = next((row for row in rows if row.envelope is not None), None)
    for row in rows[1:]:
        if row.call_title and first.call_title and row.call_title != first.call_title:
            table.problem(row.line, "intitule_appel", _("l'édition %(year)d n° %(n)d s'intitule « %(title)s » ligne "
                                                        "%(first)d : gardez le même intitulé sur ses lignes.",
                                                        year=row.year, n=row.edition, title=first.call_title,
                                                        first=first.line))
    for row in rows:
        if with_envelope is not None and row.envelope is not None and row.envelope != with_envelope.envelope:
            table.problem(row.line, "enveloppe", _("l'enveloppe de l'édition %(year)d n° %(n)d vaut %(envelope)s ligne "
                                                   "%(first)d et %(here)s ici : une édition a une seule enveloppe.",
                                                   year=row.year, n=row.edition,
                                                   envelope=money(with_envelope.envelope), first=with_envelope.line,
                                                   here=money(row.envelope)))
        elif row.envelope is None:
            row.envelope = with_envelope.envelope if with_envelope is not None else None


def _check_numbers(table: Table, editions: dict) -> None:
    """An edition number names one year: the second year given for it is refused."""
    first_year: dict[int, RowData] = {}
    for (_year, number), rows in sorted(editions.items(), key=lambda item: item[1][0].line):
        if number not in first_year:
            first_year[number] = rows[0]
            continue
        earlier = first_year[number]
        table.problem(rows[0].line, "numero_edition", _("le numéro %(n)d est déjà celui de l'édition %(year)d (ligne "
                                                        "%(line)d) : une année et un numéro désignent une édition.",
                                                        n=number, year=earlier.year, line=earlier.line))


def check_database(table: Table, rows: list[RowData]) -> Checked:
    """Sort the rows into those to create and those already imported; refuse what clashes with the database."""
    checked = Checked()
    editions = _editions(rows)
    checked.calls = _existing_editions(table, editions)
    known = calls_by_reference([row.reference for row in rows if row.reference])
    for row in rows:
        if row.reference not in known:
            checked.rows.append(row)
            continue
        call_id, imported = known[row.reference]
        same_edition = checked.calls.get(row.edition_key)
        if imported and same_edition is not None and same_edition.id == call_id:
            checked.unchanged.append(row)
        else:
            table.problem(row.line, "reference", _already_taken(row, imported))
    return checked


def _already_taken(row: RowData, imported: bool) -> str:
    if imported:
        return _("la référence « %(reference)s » est celle d'un dossier déjà importé dans une autre édition.",
                 reference=row.reference)
    return _("la référence « %(reference)s » est celle d'un dossier saisi dans l'application : choisissez-en une "
             "autre.", reference=row.reference)


def _existing_editions(table: Table, editions: dict) -> dict[tuple[int, int], Call]:
    """The imported editions this file adds to; an edition of the application, or a number taken, is refused."""
    numbers = sorted({number for _year, number in editions})
    calls = list(db.session.execute(select(Call).where(Call.edition.in_(numbers)))
                 .scalars()) if numbers else []
    imported = imported_call_ids([call.id for call in calls])
    found = {}
    for call in calls:
        for (year, number), rows in editions.items():
            if number != call.edition:
                continue
            if year != call.year:
                _number_taken(table, rows, call)
            elif call.id not in imported:
                _native_edition(table, rows, call)
            elif _same_edition(table, rows, call):
                found[(year, number)] = call
    return found


def _number_taken(table: Table, rows: list[RowData], call: Call) -> None:
    table.problem(rows[0].line, "numero_edition", _("le numéro %(n)d est déjà celui de l'édition %(year)d de "
                                                    "l'application (« %(title)s ») : vérifiez l'année ou le numéro.",
                                                    n=call.edition, year=call.year, title=call.title))


def _native_edition(table: Table, rows: list[RowData], call: Call) -> None:
    lines = _("ligne %(n)d", n=rows[0].line) if len(rows) == 1 else \
        _("%(count)d lignes, de la ligne %(first)d à la ligne %(last)d", count=len(rows), first=rows[0].line,
          last=rows[-1].line)
    table.problem(rows[0].line, "numero_edition", _("l'édition %(year)d n° %(n)d existe déjà dans l'application "
                                                    "(« %(title)s »), saisie directement et non importée : rien n'est "
                                                    "importé par-dessus (%(lines)s).", year=call.year, n=call.edition,
                                                    title=call.title, lines=lines))


def _same_edition(table: Table, rows: list[RowData], call: Call) -> bool:
    """An edition imported before: the file must give it the same title and envelope."""
    first = rows[0]
    if first.call_title and first.call_title != call.title:
        table.problem(first.line, "intitule_appel", _("l'édition %(year)d n° %(n)d a déjà été importée sous "
                                                      "l'intitulé « %(title)s » : gardez-le.", year=call.year,
                                                      n=call.edition, title=call.title))
        return False
    if first.envelope is not None and call.total_envelope is not None and first.envelope != call.total_envelope:
        table.problem(first.line, "enveloppe", _("l'édition %(year)d n° %(n)d a déjà été importée avec une enveloppe "
                                                 "de %(envelope)s.", year=call.year, n=call.edition,
                                                 envelope=money(call.total_envelope)))
        return False
    return True
