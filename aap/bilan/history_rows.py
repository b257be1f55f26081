"""Each row of a file of past editions read into a dossier's values, with all the problems of the row."""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _

from aap.bilan import history_template as template
from aap.bilan import history_values as values
from aap.bilan.history_parse import SourceRow, Table
from aap.core.formatting import money, short_date
from aap.decisions.models import EQUITY, GRANT, GRANTED, IN_KIND
from aap.organisations.communes import Commune, all_communes

#: the attribute of RowData each column fills
FIELDS = {"annee": "year", "numero_edition": "edition", "intitule_appel": "call_title", "enveloppe": "envelope",
          "volet": "strand", "structure": "name", "siret": "siret", "rna": "rna", "forme_juridique": "legal_form",
          "commune": "commune", "qpv": "in_qpv", "date_creation": "created_on", "reference": "reference",
          "titre_projet": "title", "resume_public": "public_summary", "consentement_publication": "consent",
          "date_depot": "submitted_on", "montant_demande": "requested", "budget_projet": "budget",
          "emplois_prevus": "jobs_planned", "recevable": "eligible", "decision": "outcome",
          "montant_accorde": "granted", "instrument": "instrument", "deliberation_reference": "deliberation_reference",
          "deliberation_date": "deliberation_date", "date_convention": "agreement_on", "emplois_crees": "jobs_created"}
SPECIAL = {"siret": values.siret, "rna": values.rna, "forme_juridique": values.legal_form,
           "commune": values.commune, "decision": values.outcome, "instrument": values.instrument}
#: what only a grant carries
GRANT_COLUMNS = ("montant_accorde", "instrument", "date_convention", "emplois_crees")
FIRST_YEAR = 1980


@dataclass(frozen=True)
class Payment:
    number: int
    paid_on: date
    amount: Decimal


@dataclass
class RowData:
    line: int
    year: int | None = None
    edition: int | None = None
    call_title: str = ""
    envelope: Decimal | None = None
    strand: str = ""
    name: str = ""
    siret: str | None = None
    rna: str | None = None
    legal_form: str | None = None
    commune: Commune | None = None
    in_qpv: bool = False
    created_on: date | None = None
    reference: str = ""
    title: str = ""
    public_summary: str = ""
    consent: bool = False
    submitted_on: date | None = None
    requested: Decimal | None = None
    budget: Decimal | None = None
    jobs_planned: Decimal | None = None
    eligible: bool | None = None
    outcome: str | None = None
    granted: Decimal | None = None
    instrument: str | None = None
    deliberation_reference: str = ""
    deliberation_date: date | None = None
    agreement_on: date | None = None
    payments: list[Payment] = field(default_factory=list)
    jobs_created: Decimal | None = None

    @property
    def edition_key(self) -> tuple[int | None, int | None]:
        return self.year, self.edition

    @property
    def paid(self) -> Decimal:
        return sum((payment.amount for payment in self.payments), Decimal(0))

    @property
    def fully_paid(self) -> bool:
        return self.outcome == GRANTED and self.granted is not None and bool(self.payments) \
            and self.paid == self.granted


class _Reader:
    """Reads one row; `failed` keeps the columns refused, so that no check builds on a value that was not read."""

    def __init__(self, table: Table, source: SourceRow, today: date):
        self.table, self.source, self.today = table, source, today
        self.row = RowData(line=source.line)
        self.failed: set[str] = set()

    def problem(self, column: str | None, message: str) -> None:
        self.table.problem(self.source.line, column, message)
        if column:
            self.failed.add(column)

    def given(self, column: str) -> bool:
        return not values.is_empty(self.source.values.get(column))

    def read(self, column: template.Column) -> None:
        raw = self.source.values.get(column.name)
        if values.is_empty(raw):
            if column.required:
                self.problem(column.name, _("à remplir."))
            return
        try:
            setattr(self.row, FIELDS[column.name], self.convert(column, raw))
        except values.ValueProblem as problem:
            self.problem(column.name, problem.message)

    def convert(self, column: template.Column, raw):
        if column.name in SPECIAL:
            return SPECIAL[column.name](raw)
        if column.kind == template.AMOUNT:
            return values.amount(raw)
        if column.kind == template.NUMBER:
            return values.number(raw)
        if column.kind == template.INTEGER:
            return values.integer(raw)
        if column.kind == template.DATE:
            return values.day(raw, self.today)
        if column.kind == template.YES_NO:
            return values.yes_no(raw)
        return values.text(raw, column.max_length)


def read_rows(table: Table, today: date) -> list[RowData]:
    """Every row of the table as values; its problems are added to the table's."""
    rows = []
    for source in table.rows:
        reader = _Reader(table, source, today)
        for column in template.COLUMNS:
            reader.read(column)
        _read_payments(reader)
        _check_row(reader)
        rows.append(reader.row)
    return rows


def _read_payments(reader: _Reader) -> None:
    for n in range(1, template.MAX_PAYMENTS + 1):
        day_column, amount_column = template.PAYMENT_DATE.format(n=n), template.PAYMENT_AMOUNT.format(n=n)
        given = [reader.given(day_column), reader.given(amount_column)]
        if given == [False, False]:
            continue
        if not all(given):
            missing = amount_column if given[0] else day_column
            reader.problem(missing, _("le versement %(n)d a sa date et son montant : remplissez les deux.", n=n))
            continue
        try:
            paid_on = values.day(reader.source.values[day_column], reader.today)
        except values.ValueProblem as problem:
            reader.problem(day_column, problem.message)
            continue
        try:
            reader.row.payments.append(Payment(n, paid_on, values.amount(reader.source.values[amount_column])))
        except values.ValueProblem as problem:
            reader.problem(amount_column, problem.message)


def _check_row(reader: _Reader) -> None:
    _check_edition(reader)
    _check_structure(reader)
    _check_dossier(reader)
    if reader.row.outcome is None and "decision" not in reader.failed:
        _check_undecided(reader)
    elif reader.row.outcome is not None:
        _check_decided(reader)
        if reader.row.outcome == GRANTED:
            _check_grant(reader)
        else:
            _refuse_grant_columns(reader, _("sans accord, cette colonne reste vide."))


def _check_edition(reader: _Reader) -> None:
    row = reader.row
    if row.year is not None and not FIRST_YEAR <= row.year <= reader.today.year:
        reader.problem("annee", _("l'année %(year)d n'est pas celle d'une édition passée (de %(first)d à %(last)d).",
                                  year=row.year, first=FIRST_YEAR, last=reader.today.year))
    if row.edition is not None and row.edition < 1:
        reader.problem("numero_edition", _("le numéro de l'édition commence à 1."))


def _check_structure(reader: _Reader) -> None:
    row = reader.row
    if not reader.given("siret") and not reader.given("rna"):
        reader.problem("siret", _("indiquez le SIRET ou le numéro RNA de la structure (l'un des deux au moins)."))
    moment = row.submitted_on or (date(row.year, 1, 1) if row.year and "annee" not in reader.failed else None)
    if row.commune is not None and moment is not None and not row.commune.exists_on(moment):
        successor = all_communes().get(row.commune.merged_into or "")
        reader.problem("commune", _("%(name)s n'existe plus le %(day)s : elle a rejoint %(successor)s le %(merged)s "
                                    "; écrivez %(successor)s.", name=row.commune.name, day=short_date(moment),
                                    successor=successor.name if successor else "—",
                                    merged=short_date(row.commune.valid_to + timedelta(days=1))))
    if row.created_on and row.submitted_on and row.created_on > row.submitted_on:
        reader.problem("date_creation", _("la structure est créée le %(created)s, après le dépôt du dossier "
                                          "(%(submitted)s).", created=short_date(row.created_on),
                                          submitted=short_date(row.submitted_on)))


def _check_dossier(reader: _Reader) -> None:
    row = reader.row
    if row.budget is not None and row.requested is not None and row.budget < row.requested:
        reader.problem("budget_projet", _("le budget du projet (%(budget)s) est inférieur au montant demandé "
                                          "(%(requested)s).", budget=money(row.budget),
                                          requested=money(row.requested)))
    if row.submitted_on and row.year and "annee" not in reader.failed \
            and not row.year - 1 <= row.submitted_on.year <= row.year + 1:
        reader.problem("date_depot", _("le dossier est déposé le %(day)s, loin de l'année de l'édition (%(year)d).",
                                       day=short_date(row.submitted_on), year=row.year))


def _check_undecided(reader: _Reader) -> None:
    for column in ("deliberation_reference", "deliberation_date", *GRANT_COLUMNS):
        if reader.given(column):
            reader.problem(column, _("un dossier sans décision n'a pas de délibération ni d'accord : laissez cette "
                                     "colonne vide, ou remplissez la colonne decision."))
    _refuse_payments(reader, _("un dossier sans décision n'a pas de versement."))


def _check_decided(reader: _Reader) -> None:
    row = reader.row
    for column in ("deliberation_reference", "deliberation_date"):
        if not reader.given(column):
            reader.problem(column, _("à remplir : toute décision a sa délibération (référence et date)."))
    if row.eligible is False:
        reader.problem("recevable", _("un dossier irrecevable n'a pas de décision : écrivez oui, ou videz la "
                                      "colonne decision."))
    if row.deliberation_date and row.submitted_on and row.deliberation_date < row.submitted_on:
        reader.problem("deliberation_date", _("la délibération (%(day)s) précède le dépôt du dossier "
                                              "(%(submitted)s).", day=short_date(row.deliberation_date),
                                              submitted=short_date(row.submitted_on)))


def _refuse_grant_columns(reader: _Reader, message: str) -> None:
    for column in GRANT_COLUMNS:
        if reader.given(column):
            reader.problem(column, message)
    _refuse_payments(reader, _("seul un accord a des versements."))


def _refuse_payments(reader: _Reader, message: str) -> None:
    for payment in reader.row.payments:
        reader.problem(template.PAYMENT_AMOUNT.format(n=payment.number), message)
    reader.row.payments = []


def _check_grant(reader: _Reader) -> None:
    row = reader.row
    row.instrument = row.instrument or (GRANT if "instrument" not in reader.failed else None)
    if row.granted is None and "montant_accorde" not in reader.failed:
        reader.problem("montant_accorde", _("à remplir pour un accord."))
    if row.granted is not None and row.requested is not None and row.granted > row.requested:
        reader.problem("montant_accorde", _("%(granted)s accordés pour %(requested)s demandés : l'accord ne dépasse "
                                            "pas la demande.", granted=money(row.granted),
                                            requested=money(row.requested)))
    if row.instrument == EQUITY and row.legal_form not in (None, "scic"):
        reader.problem("instrument", _("une prise de participation n'est possible que dans une SCIC."))
    if row.instrument == IN_KIND:
        _refuse_payments(reader, _("une aide en nature n'est pas versée : laissez les versements vides."))
    _check_grant_dates(reader)
    if row.granted is not None and row.paid > row.granted:
        last = template.PAYMENT_AMOUNT.format(n=row.payments[-1].number)
        reader.problem(last, _("les versements font %(paid)s, plus que les %(granted)s accordés.",
                               paid=money(row.paid), granted=money(row.granted)))


def _check_grant_dates(reader: _Reader) -> None:
    row, deliberated = reader.row, reader.row.deliberation_date
    if row.agreement_on and deliberated and row.agreement_on < deliberated:
        reader.problem("date_convention", _("la convention (%(day)s) précède la délibération (%(deliberated)s).",
                                            day=short_date(row.agreement_on), deliberated=short_date(deliberated)))
    for payment in row.payments:
        if deliberated and payment.paid_on < deliberated:
            reader.problem(template.PAYMENT_DATE.format(n=payment.number),
                           _("le versement (%(day)s) précède la délibération (%(deliberated)s).",
                             day=short_date(payment.paid_on), deliberated=short_date(deliberated)))
