"""The SCDL « subventions » open data of one call (schema v2.1.1, décret 2017-779): one row per grant in force.

Which grants: the authority's own (funder_id None), released, not superseded, granted, whose instrument is a
subsidy: a grant (« aide en numéraire ») or aid in kind (« aide en nature »). Equity stakes and repayable advances
are not subsidies and stay out of the file. A grant whose agreement is required (above 23 000 €) but not signed yet
is not a convention yet: it enters the file once signed, and is listed meanwhile as waiting.

How each field is computed:
- dateConvention: the agreement's signature date; the deliberation's date when no agreement was needed.
- datesPeriodeVersement: each tranche not cancelled gives its payment date, or its planned due date while it is
  unpaid; one date alone, else the first and the last as AAAA-MM-JJ/AAAA-MM-JJ. With no date known (aid in kind
  pays nothing; a tranche waits for its trigger), the day the decision was notified, from which the aid runs.
- conditionsVersement: « unique » for one tranche or none (aid in kind), « échelonné » for several.
- pourcentageSubvention: the amount over the project's total budget as submitted, two decimals, within the schema's
  bounds (0.01 to 1); 1.00 when the budget is unknown. The schema describes the field as a beneficiary's part of a
  grant shared between several (1.00 for a single one); aap has one beneficiary per grant and gives instead the part
  of the project's budget that the grant funds, as [bilan] asks: set it to 1.00 here to follow the schema's letter.
- notificationUE: « non » (the schema's word for false). aap records no State-aid scheme for a grant: one awarded
  under an aid notified to the European Commission needs the file corrected by hand.
- objet: the project's title, cut at a word to 256 characters.
A row the schema would refuse (no SIRET nor RNA, a wrong key…) is never written: it is left out, with its reasons,
and whoever exports is told (scdl_checks). A text a spreadsheet would run as a formula starts with an apostrophe.
"""
import csv
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import defaultload, joinedload

from aap.bilan.facts import in_force
from aap.bilan.scdl_checks import field_names, row_problems, scdl_schema, siret_is_valid
from aap.core.text import spreadsheet_cell
from aap.decisions.grant_models import Agreement, PaymentTranche
from aap.decisions.models import GRANT, IN_KIND, Decision
from aap.decisions.payments_plan import agreement_required, paris_day
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.organisations.identifiers import compact

NATURES = {GRANT: "aide en numéraire", IN_KIND: "aide en nature"}
SINGLE, STAGGERED = "unique", "échelonné"
CENT = Decimal("0.01")
SUBJECT_LENGTH = 256
NOT_NOTIFIED = "non"


class ScdlRefused(Exception):
    """The file cannot be made at all (the authority's own identity is missing or wrong): the message says why."""


@dataclass(frozen=True)
class Grant:
    """What one row is computed from."""
    decision: Decision
    tranches: list[PaymentTranche]
    agreement: Agreement | None


@dataclass(frozen=True)
class LeftOut:
    """A grant of the call not in the file: waiting for its agreement's signature, or with data to correct."""
    reference: str
    organisation: str
    reasons: tuple[str, ...]
    waiting: bool = False

    def __str__(self) -> str:
        return f"{self.reference} ({self.organisation}) : {' ; '.join(self.reasons)}"


@dataclass
class ScdlExport:
    rows: list[dict] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    #: equity stakes and repayable advances of the authority in force: not subsidies, not in the file
    not_subsidies: int = 0

    @property
    def invalid(self) -> list[LeftOut]:
        return [grant for grant in self.left_out if not grant.waiting]

    @property
    def waiting(self) -> list[LeftOut]:
        return [grant for grant in self.left_out if grant.waiting]


def authority() -> tuple[str, str]:
    name = (current_app.config.get("AUTHORITY_NAME") or "").strip()
    siret = compact(current_app.config.get("AUTHORITY_SIRET"))
    if not name or not siret_is_valid(siret):
        raise ScdlRefused("Les données ouvertes des subventions nomment la collectivité qui attribue : renseignez "
                          "AUTHORITY_NAME et un AUTHORITY_SIRET valide (14 chiffres, clé de contrôle) dans la "
                          "configuration.")
    return name, siret


def grants_in_force(call) -> list[Grant]:
    """The authority's grants in force on the call's dossiers, with their tranches and agreement: three statements."""
    decisions = list(db.session.execute(
        select(Decision).join(Dossier, Dossier.id == Decision.dossier_id)
        .options(joinedload(Decision.dossier).joinedload(Dossier.organisation).lazyload("*"),
                 defaultload(Decision.dossier).lazyload("*"))  # none of the pieces, members… loaded with them
        .where(Dossier.call_id == call.id, Decision.funder_id.is_(None), in_force())
        .order_by(Dossier.reference, Decision.id)).scalars())
    ids = [decision.id for decision in decisions]
    tranches: dict[int, list[PaymentTranche]] = {}
    agreements: dict[int, Agreement] = {}
    if ids:
        for tranche in db.session.execute(select(PaymentTranche).where(PaymentTranche.decision_id.in_(ids))
                                          .order_by(PaymentTranche.position)).scalars():
            tranches.setdefault(tranche.decision_id, []).append(tranche)
        agreements = {agreement.decision_id: agreement for agreement in db.session.execute(
            select(Agreement).where(Agreement.decision_id.in_(ids))).scalars()}
    return [Grant(decision, tranches.get(decision.id, []), agreements.get(decision.id)) for decision in decisions]


def scdl_export(call) -> ScdlExport:
    """Every row the file holds, each checked against the schema; the grants left out, with their reasons."""
    name, siret = authority()
    export = ScdlExport()
    for grant in grants_in_force(call):
        if grant.decision.instrument not in NATURES:
            export.not_subsidies += 1
            continue
        dossier = grant.decision.dossier
        label = (dossier.reference or f"dossier n° {dossier.id}", dossier.organisation.name)
        convention = convention_date(grant)
        if convention is None:
            export.left_out.append(LeftOut(*label, ("convention requise, pas encore signée",), waiting=True))
            continue
        row = scdl_row(grant, name, siret, convention)
        problems = row_problems(row, len(export.rows) + 1)
        if problems:
            export.left_out.append(LeftOut(*label, tuple(f"{p.column} : {p.message}" for p in problems)))
            continue
        export.rows.append(row)
    return export


def convention_date(grant: Grant):
    if grant.agreement is not None and grant.agreement.signed_on is not None:
        return grant.agreement.signed_on
    return None if agreement_required(grant.decision) else grant.decision.deliberation_date


def scdl_row(grant: Grant, authority_name: str, authority_siret: str, convention) -> dict:
    decision = grant.decision
    dossier, organisation = decision.dossier, decision.dossier.organisation
    return {
        "nomAttribuant": text(authority_name), "idAttribuant": authority_siret,
        "dateConvention": convention.isoformat(), "referenceDecision": text(decision.deliberation_reference),
        "nomBeneficiaire": text(organisation.name),
        "idBeneficiaire": compact(organisation.siret), "rnaBeneficiaire": compact(organisation.rna),
        "objet": subject(dossier.title), "montant": amount_text(decision.amount),
        "nature": NATURES[decision.instrument], "conditionsVersement": payment_conditions(grant),
        "datesPeriodeVersement": payment_period(grant), "idRAE": "", "notificationUE": NOT_NOTIFIED,
        "pourcentageSubvention": subsidy_share(decision.amount, dossier.project_budget), "dispositifAide": "",
    }


def amount_text(amount) -> str:
    return "" if amount is None else str(Decimal(amount).quantize(CENT, ROUND_HALF_UP))


def text(value: str | None) -> str:
    """On one line, and never a formula once in a spreadsheet."""
    return spreadsheet_cell(" ".join((value or "").split()))


def subject(title: str | None, limit: int = SUBJECT_LENGTH) -> str:
    """The title as text(); a longer one cut after a whole word, with an ellipsis, within `limit` characters."""
    line = " ".join((title or "").split())
    room = limit - (len(text(line)) - len(line))  # the apostrophe that a formula-like title takes
    if len(line) <= room:
        return text(line)
    cut = line[:room - 1]
    if cut.rfind(" ") > room // 2:
        cut = cut[:cut.rfind(" ")]
    return text(cut.rstrip(" ,;:.-–—") + "…")


def _live(grant: Grant) -> list[PaymentTranche]:
    return [tranche for tranche in grant.tranches if not tranche.cancelled]


def payment_conditions(grant: Grant) -> str:
    return STAGGERED if len(_live(grant)) > 1 else SINGLE


def payment_period(grant: Grant) -> str:
    days = sorted({tranche.paid_on or tranche.due_on for tranche in _live(grant)} - {None})
    if not days:
        days = [paris_day(grant.decision.released_at)]
    return days[0].isoformat() if len(days) == 1 else f"{days[0].isoformat()}/{days[-1].isoformat()}"


def subsidy_share(amount, budget) -> str:
    """amount ÷ budget, two decimals, held within the schema's minimum and maximum."""
    constraints = next(f for f in scdl_schema()["fields"] if f["name"] == "pourcentageSubvention")["constraints"]
    low, high = Decimal(str(constraints["minimum"])), Decimal(str(constraints["maximum"]))
    if not budget or Decimal(budget) <= 0 or amount is None:
        return str(high.quantize(CENT))
    share = (Decimal(amount) / Decimal(budget)).quantize(CENT, ROUND_HALF_UP)
    return str(min(max(share, low), high).quantize(CENT))


def scdl_csv(rows: list[dict]) -> str:
    """UTF-8 text (no BOM), commas, the schema's columns in its order, lines ended by CRLF as RFC 4180 says.

    The rows come from scdl_export, their texts already made safe for a spreadsheet.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = field_names()
    writer.writerow(names)
    for row in rows:
        writer.writerow([row[name] for name in names])
    return buffer.getvalue()
