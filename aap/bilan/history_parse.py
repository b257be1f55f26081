"""A file of past editions read into a table: its header (checked against the template) and its rows by line.

CSV files are UTF-8 (with or without a byte order mark), separated by « ; » or « , » (told from the header);
XLSX files are read from their first sheet. Anything else, or a file beyond the template's bounds, is refused.
"""
import csv
import difflib
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _

from aap.bilan import history_template as template
from aap.core.filetypes import ArchiveRefused, sniff

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OLD_EXCEL = b"\xd0\xcf\x11\xe0"
#: an XLSX's members, once inflated, may take this much at most (its shared strings are read whole)
MAX_INFLATED = 100 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    """One reason a file cannot be imported: the line (1 is the header; None for the file), the column, why."""
    line: int | None
    column: str | None
    message: str
    #: the column's letter in a spreadsheet (A, B… AA), when known
    letter: str | None = None

    def __str__(self) -> str:
        where = [_("ligne %(n)d", n=self.line)] if self.line is not None else []
        if self.column:
            where.append(_("colonne %(name)s (%(letter)s)", name=self.column, letter=self.letter)
                         if self.letter else _("colonne %(name)s", name=self.column))
        return f"{', '.join(where)} : {self.message}" if where else self.message


@dataclass
class SourceRow:
    line: int
    #: by column name: the cell as written (text in a CSV; number, date or text in an XLSX)
    values: dict


@dataclass
class Table:
    columns: list[str]
    rows: list[SourceRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def letter(self, column: str) -> str | None:
        return column_letter(self.columns.index(column)) if column in self.columns else None

    def problem(self, line: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(line, column, message, self.letter(column) if column else None))


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how a spreadsheet names the column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def read_table(data: bytes) -> Table:
    """The file's table; a file that cannot be read at all gives a table without columns and its one problem."""
    if len(data) > template.MAX_BYTES:
        return _refused(_("Le fichier dépasse %(n)d Mo : découpez-le, par exemple une édition par fichier.",
                          n=template.MAX_BYTES // (1024 * 1024)))
    if not data.strip():
        return _refused(_("Le fichier est vide."))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(OLD_EXCEL):
        return _refused(_("Ce fichier est au format Excel 97-2003 (.xls) : enregistrez-le au format XLSX ou CSV "
                          "UTF-8."))
    return _read_csv(data)


def _refused(message: str, line: int | None = None) -> Table:
    return Table(columns=[], problems=[Problem(line, None, message)])


def _read_csv(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        return _refused(_("Le fichier n'est pas encodé en UTF-8 (le premier caractère illisible est à la ligne "
                          "%(line)d ; c'est souvent un fichier Latin-1 ou Windows-1252). Enregistrez-le de nouveau en "
                          "UTF-8 : dans LibreOffice, « Enregistrer sous », type CSV, cochez « Éditer les paramètres du "
                          "filtre » et choisissez le jeu de caractères « Unicode (UTF-8) » ; dans Excel, « Enregistrer "
                          "sous », type « CSV UTF-8 (délimité par des virgules) ».", line=line))
    if "\x00" in text:
        return _refused(_("Ce fichier n'est pas un tableau CSV ni XLSX : enregistrez le tableau au format CSV UTF-8 "
                          "ou XLSX."))
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    if delimiter not in first_line:
        return _refused(_("La première ligne doit nommer les colonnes, séparées par des points-virgules (ou des "
                          "virgules) : aucun séparateur n'y figure."), 1)
    return _rows(_csv_records(text, delimiter))


def _csv_records(text: str, delimiter: str):
    """(line where the record starts, its cells), records spanning several lines (quoted line breaks) included."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as error:
        yield start, csv.Error(str(error))


def _read_xlsx(data: bytes) -> Table:
    kind = _office_kind(data)
    if kind != XLSX:
        return _refused(kind or _("Ce fichier n'est pas un classeur XLSX lisible : enregistrez-le de nouveau au "
                                  "format XLSX ou CSV UTF-8."))
    from openpyxl import load_workbook  # imported for XLSX files only: loading it costs a quarter of a second

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(max_col=template.MAX_COLUMNS + 1, values_only=True)
        return _rows((line, list(cells)) for line, cells in enumerate(rows, start=1))
    except Exception:  # a damaged workbook raises anything from zipfile to the XML parser: it is one refusal
        return _refused(_("Ce classeur XLSX est endommagé ou illisible : enregistrez-le de nouveau au format XLSX ou "
                          "CSV UTF-8."))


def _office_kind(data: bytes) -> str | None:
    """XLSX, or the reason to refuse this zip file; told from its content by aap.core.filetypes, sizes bounded."""
    handle, path = tempfile.mkstemp(prefix="aap-historique-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        kind = sniff(Path(path))
        if kind == XLSX and _inflated_size(path) > MAX_INFLATED:
            return _("Ce classeur, une fois décompressé, dépasse %(n)d Mo : découpez-le.",
                     n=MAX_INFLATED // (1024 * 1024))
        if kind is not None and kind != XLSX:
            return _("Ce classeur n'est pas au format XLSX (un tableur l'enregistre en « Classeur Excel 2007-365 ») : "
                     "enregistrez-le au format XLSX ou CSV UTF-8.")
        return kind
    except ArchiveRefused as refusal:
        return str(refusal)
    finally:
        os.unlink(path)


def _inflated_size(path: str) -> int:
    import zipfile  # only for XLSX files

    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist())


def _rows(records) -> Table:
    """The header then each row: blank rows left out, wrong lengths and too many rows refused."""
    table = None
    for line, cells in records:
        if isinstance(cells, csv.Error):
            return _refused(_("Le fichier CSV est mal formé à partir de cette ligne (guillemet non fermé ?)."), line)
        if table is None:
            if all(_blank(cell) for cell in cells):
                continue
            table = _header(line, cells)
            if table.problems:
                return table
            continue
        if all(_blank(cell) for cell in cells):
            continue
        if len(table.rows) == template.MAX_ROWS:
            return _refused(_("Le fichier compte plus de %(n)d dossiers : découpez-le, par exemple une édition par "
                              "fichier.", n=template.MAX_ROWS))
        _add_row(table, line, cells)
    if table is None:
        return _refused(_("Le fichier est vide."))
    if not table.rows and not table.problems:
        table.problem(None, None, _("Le fichier ne contient aucun dossier : seulement la ligne des colonnes."))
    return table


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _add_row(table: Table, line: int, cells: list) -> None:
    extra = [cell for cell in cells[len(table.columns):] if not _blank(cell)]
    if extra:
        table.problem(line, None, _("La ligne compte %(count)d valeurs pour %(n)d colonnes : une valeur contient "
                                    "sans doute le séparateur sans être entre guillemets.",
                                    count=len(table.columns) + len(extra), n=len(table.columns)))
        return
    cells = list(cells) + [None] * (len(table.columns) - len(cells))
    table.rows.append(SourceRow(line, dict(zip(table.columns, cells, strict=False))))


def _header(line: int, cells: list) -> Table:
    while cells and _blank(cells[-1]):
        cells = cells[:-1]
    names = [template.header_name(cell) for cell in cells]
    table = Table(columns=names)
    if len(names) > template.MAX_COLUMNS:
        table.problem(line, None, _("La ligne des colonnes en compte %(count)d : le modèle en a moins de %(n)d.",
                                    count=len(names), n=template.MAX_COLUMNS))
        return table
    for index, name in enumerate(names):
        _check_name(table, line, index, name, names)
    present = set(names)
    for column in template.COLUMNS:
        if column.required and column.name not in present:
            table.problems.append(Problem(line, column.name, _("colonne obligatoire absente de la première ligne.")))
    for n in range(1, template.MAX_PAYMENTS + 1):
        pair = {template.PAYMENT_DATE.format(n=n), template.PAYMENT_AMOUNT.format(n=n)}
        if len(pair & present) == 1:
            [missing] = pair - present
            table.problems.append(Problem(line, missing, _("un versement a sa date et son montant : ajoutez cette "
                                                           "colonne à côté de l'autre.")))
    return table


def _check_name(table: Table, line: int, index: int, name: str, names: list[str]) -> None:
    letter = column_letter(index)
    if not name:
        table.problems.append(Problem(line, None, _("une colonne n'a pas de nom."), letter))
    elif names.index(name) != index:
        table.problems.append(Problem(line, name, _("colonne en double (déjà en %(letter)s).",
                                                    letter=column_letter(names.index(name))), letter))
    elif name not in template.BY_NAME and template.payment_column(name) is None:
        table.problems.append(Problem(line, name, _unknown_column(name), letter))


def _unknown_column(name: str) -> str:
    known = [column.name for column in template.COLUMNS] + template.payment_columns(template.MAX_PAYMENTS)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    if close:
        return _("colonne inconnue : vouliez-vous dire « %(name)s » ?", name=close[0])
    return _("colonne inconnue du modèle (voir la page d'aide pour la liste des colonnes).")
