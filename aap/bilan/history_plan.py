"""What an import would create: its editions, the structures found or to create, each dossier's final state.

The preview shows it; the import writes exactly it. Structures are found by SIRET, else by RNA, in the database
first and then among the file's earlier rows: a structure that applied several years is one structure.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from aap.bilan.history_checks import Checked
from aap.bilan.history_marks import chunks
from aap.bilan.history_parse import Table
from aap.bilan.history_rows import RowData
from aap.bilan.history_states import NoState, state_for
from aap.calls.models import Call
from aap.decisions.models import GRANTED
from aap.extensions import db
from aap.organisations.models import Organisation
from aap.workflow.definitions import Workflow


@dataclass(eq=False)
class PlannedOrganisation:
    #: the first row that names it gives its name and details
    row: RowData
    existing_id: int | None = None


@dataclass
class PlannedEdition:
    year: int
    number: int
    title: str
    envelope: Decimal | None
    #: strand names in the order the file first gives them
    strands: list[str]
    rows: list[RowData]
    existing: Call | None = None

    @property
    def funded(self) -> int:
        return sum(1 for row in self.rows if row.outcome == GRANTED)

    @property
    def granted(self) -> Decimal:
        return sum((row.granted or Decimal(0) for row in self.rows if row.outcome == GRANTED), Decimal(0))

    @property
    def paid(self) -> Decimal:
        return sum((row.paid for row in self.rows), Decimal(0))

    @property
    def requested(self) -> Decimal:
        return sum((row.requested or Decimal(0) for row in self.rows), Decimal(0))


@dataclass
class Plan:
    workflow: Workflow
    editions: list[PlannedEdition] = field(default_factory=list)
    organisations: list[PlannedOrganisation] = field(default_factory=list)
    #: by line
    organisation_of: dict[int, PlannedOrganisation] = field(default_factory=dict)
    states: dict[int, str] = field(default_factory=dict)
    unchanged: list[RowData] = field(default_factory=list)

    @property
    def rows(self) -> list[RowData]:
        return [row for edition in self.editions for row in edition.rows]

    def counts(self) -> dict:
        """What the import creates, as HistoryImport.created records it."""
        rows = self.rows
        return {"calls": sum(1 for edition in self.editions if edition.existing is None),
                "organisations": sum(1 for planned in self.organisations if planned.existing_id is None),
                "known_organisations": sum(1 for planned in self.organisations if planned.existing_id is not None),
                "dossiers": len(rows), "decisions": sum(1 for row in rows if row.outcome is not None),
                "payments": sum(len(row.payments) for row in rows),
                "agreements": sum(1 for row in rows if row.agreement_on is not None),
                "reports": sum(1 for row in rows if row.jobs_created is not None),
                "unchanged": len(self.unchanged)}

    @property
    def changes_nothing(self) -> bool:
        return not self.editions


def make_plan(table: Table, checked: Checked, workflow: Workflow) -> Plan:
    plan = Plan(workflow=workflow, unchanged=checked.unchanged)
    plan.editions = _editions(checked)
    _match_organisations(plan)
    for row in plan.rows:
        try:
            plan.states[row.line] = state_for(workflow, row)
        except NoState as missing:
            table.problem(row.line, "decision", missing.message)
    return plan


def _editions(checked: Checked) -> list[PlannedEdition]:
    editions: dict[tuple[int, int], PlannedEdition] = {}
    for row in checked.rows:
        edition = editions.get(row.edition_key)
        if edition is None:
            edition = editions[row.edition_key] = PlannedEdition(
                year=row.year, number=row.edition, title=row.call_title, envelope=row.envelope, strands=[], rows=[],
                existing=checked.calls.get(row.edition_key))
        edition.rows.append(row)
        if row.strand and row.strand not in edition.strands:
            edition.strands.append(row.strand)
    return sorted(editions.values(), key=lambda edition: (edition.year, edition.number))


def _known(column, numbers: list[str]) -> dict[str, int]:
    """Existing structures by SIRET (or RNA): the first one created, when several share it."""
    found: dict[str, int] = {}
    for part in chunks(sorted(set(numbers))):
        for number, organisation_id in db.session.execute(
                select(column, Organisation.id).where(column.in_(part)).order_by(Organisation.id)):
            found.setdefault(number, organisation_id)
    return found


def _match_organisations(plan: Plan) -> None:
    rows = sorted(plan.rows, key=lambda row: row.line)
    existing: dict[int, PlannedOrganisation] = {}

    def found(numbers: dict[str, int]) -> dict[str, PlannedOrganisation]:
        return {number: existing.setdefault(organisation_id, PlannedOrganisation(row=None, existing_id=organisation_id))
                for number, organisation_id in numbers.items()}

    by_siret = found(_known(Organisation.siret, [row.siret for row in rows if row.siret]))
    by_rna = found(_known(Organisation.rna, [row.rna for row in rows if row.rna]))
    listed: set[int] = set()
    for row in rows:
        planned = (by_siret.get(row.siret) if row.siret else None) or (by_rna.get(row.rna) if row.rna else None)
        planned = planned or PlannedOrganisation(row=row)
        planned.row = planned.row or row
        if id(planned) not in listed:
            listed.add(id(planned))
            plan.organisations.append(planned)
        if row.siret:
            by_siret.setdefault(row.siret, planned)
        if row.rna:
            by_rna.setdefault(row.rna, planned)
        plan.organisation_of[row.line] = planned
