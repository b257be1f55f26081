"""Importing a file of past editions: read and check it whole, then write it whole or not at all.

`read_file` gives the preview (what would be created, or every problem); `import_file` takes its turn, reads the
file again in its own transaction and writes it only if nothing is wrong. Nothing here commits.
"""
import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from aap.bilan.history_apply import Source, apply_plan, lock_imports
from aap.bilan.history_checks import check_database, check_file
from aap.bilan.history_parse import Problem, Table, read_table
from aap.bilan.history_plan import Plan, make_plan
from aap.bilan.history_rows import read_rows
from aap.bilan.models import HistoryImport
from aap.core.formatting import PARIS
from aap.extensions import db
from aap.workflow.definitions import Workflow
from aap.workflow.operations import load_named
from aap.workflow.schema import NAME, InvalidWorkflow

#: the workflow imported editions follow unless told otherwise: the one a new call follows
DEFAULT_WORKFLOW = "plaine-commune"


@dataclass
class Reading:
    table: Table
    sha256: str
    plan: Plan | None = None
    #: the import of this very file, if it was imported before
    earlier: HistoryImport | None = None

    @property
    def problems(self) -> list[Problem]:
        return self.table.problems


@dataclass
class Imported:
    reading: Reading
    record: HistoryImport | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def message(self) -> str:
        """What happened, in one sentence (the command prints it, the page shows it)."""
        if self.problems:
            return _("Rien n'a été importé : le fichier compte %(n)d problème(s), listés ligne par ligne.",
                     n=len(self.problems))
        if self.reading.earlier is not None:
            return already_imported(self.reading.earlier)
        if self.record is None:
            return _("Rien n'a changé : les %(n)d dossiers du fichier étaient déjà importés.",
                     n=len(self.reading.plan.unchanged))
        return created_sentence(self.record.created)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def already_imported(earlier: HistoryImport) -> str:
    return _("Ce fichier a déjà été importé le %(day)s (%(name)s, par %(who)s) : rien n'a changé.",
             day=earlier.created_at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M"), name=earlier.file_name,
             who=earlier.imported_by_label or "—")


def created_sentence(created: dict) -> str:
    return _("Import terminé : %(calls)d édition(s), %(organisations)d structure(s) nouvelle(s), %(dossiers)d "
             "dossier(s), %(decisions)d décision(s) et %(payments)d versement(s) créés ; %(unchanged)d dossier(s) "
             "déjà importé(s) laissé(s) tel(s) quel(s).", calls=created.get("calls", 0),
             organisations=created.get("organisations", 0), dossiers=created.get("dossiers", 0),
             decisions=created.get("decisions", 0), payments=created.get("payments", 0),
             unchanged=created.get("unchanged", 0))


def earlier_import(sha256: str) -> HistoryImport | None:
    return db.session.execute(select(HistoryImport).where(HistoryImport.file_sha256 == sha256)
                              .order_by(HistoryImport.id).limit(1)).scalar_one_or_none()


def workflow_named(name: str) -> Workflow | None:
    """The workflow file of that name in workflows/; a name that is not a file name there is none."""
    if not NAME.fullmatch(name or ""):
        return None
    try:
        return load_named(name)
    except InvalidWorkflow:
        return None


def read_file(data: bytes, workflow_name: str, now: datetime) -> Reading:
    """The file checked whole against the template and the database, with what importing it would create."""
    reading = Reading(table=read_table(data), sha256=digest(data))
    reading.earlier = earlier_import(reading.sha256)
    if reading.earlier is not None or reading.problems:
        return reading
    workflow = workflow_named(workflow_name)
    if workflow is None:
        reading.table.problem(None, None, _("Le cycle de traitement « %(name)s » n'existe pas ou n'est pas valide.",
                                            name=workflow_name))
        return reading
    rows = read_rows(reading.table, now.astimezone(PARIS).date())
    check_file(reading.table, rows)
    checked = check_database(reading.table, rows)
    reading.plan = make_plan(reading.table, checked, workflow)
    reading.table.problems.sort(key=lambda problem: problem.line or 0)  # line by line, whichever check found them
    return reading


def import_file(data: bytes, file_name: str, workflow_name: str, user, label: str, now: datetime) -> Imported:
    """Import the whole file, or nothing when any row is wrong; the same file again changes nothing."""
    workflow = workflow_named(workflow_name)
    if workflow is not None:
        lock_imports(workflow)
    reading = read_file(data, workflow_name, now)
    imported = Imported(reading=reading, problems=list(reading.problems))
    if imported.problems or reading.earlier is not None or reading.plan.changes_nothing:
        return imported
    source = Source(file_name=file_name, sha256=reading.sha256, rows=len(reading.table.rows))
    imported.record = apply_plan(reading.plan, source, user, label, now)
    return imported
