"""The call's dossiers with their answers and review figures, and its reviews one per line, as spreadsheet rows.

Amounts and scores stay numbers (Decimal); texts go through the exports' formula guard (aap.core.exports).
"""
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import and_
from sqlalchemy.orm import joinedload, raiseload

from aap.auth.models import User
from aap.dossiers.access import visible_condition
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.organisations.communes import commune_name
from aap.organisations.models import Organisation
from aap.questionnaire.budget import CHARGES, LINES, PRODUITS, amount, totals
from aap.questionnaire.models import FormVersion
from aap.review.aggregates import RECOMMENDATIONS
from aap.review.models import SUBMITTED, GridVersion, PoolMember, Review, ReviewStanding
from aap.review.ranking import CallRanking
from aap.review.scoring import NA, rounded
from aap.workflow.engine import workflow_of_version

BUDGET_LABELS = dict(CHARGES + PRODUITS)


def answer_columns(dossiers: list[Dossier]) -> list[tuple[str, str, object]]:
    """(key, label, field) of every question asked by the dossiers' form versions, files aside, in form order."""
    version_ids = sorted({dossier.form_version_id for dossier in dossiers if dossier.form_version_id})
    versions = db.session.execute(db.select(FormVersion).where(FormVersion.id.in_(version_ids))
                                  .order_by(FormVersion.number.desc())).scalars().all() if version_ids else []
    columns: dict[str, tuple[str, str, object]] = {}
    for version in versions:  # the newest version names each question
        for field in version.definition.fields():
            if field.type != "file" and field.key not in columns:
                columns[field.key] = (field.key, field.label, field)
    order = [f.key for version in reversed(versions) for f in version.definition.fields()]
    return sorted(columns.values(), key=lambda column: order.index(column[0]))


def answer_cells(field, value) -> list:
    """One cell per question, or one per budget line and the two totals."""
    if field.type == "budget":
        budget = value if isinstance(value, dict) else {}
        charges, produits = totals(budget)
        return [amount(budget.get(code)) for code in LINES] + [charges, produits]
    if value in (None, "", []):
        return [None]
    if field.type in ("number", "money"):
        return [amount(value)]
    if field.type == "yes_no":
        return [_("Oui") if value == "oui" else _("Non") if value == "non" else value]
    if field.choices == "communes":
        values = value if isinstance(value, list) else [value]
        return ["; ".join(commune_name(code) for code in values)]
    if isinstance(value, list):
        return ["; ".join(str(item) for item in value)]
    return [str(value)]


def answer_headers(columns) -> list[str]:
    headers = []
    for _key, label, field in columns:
        if field.type == "budget":
            headers += [f"{_('Budget')} {BUDGET_LABELS[code]}" for code in LINES]
            headers += [_("Budget : total des charges"), _("Budget : total des produits")]
        else:
            headers.append(label)
    return headers


def exported_dossiers(call, user) -> list[tuple[Dossier, ReviewStanding | None]]:
    """The call's submitted dossiers this person may see, with their organisation and kept figures, by reference."""
    return list(db.session.execute(
        db.select(Dossier, ReviewStanding).outerjoin(ReviewStanding, ReviewStanding.dossier_id == Dossier.id)
        .where(Dossier.call_id == call.id, Dossier.reference.is_not(None), visible_condition(user, Dossier))
        .options(joinedload(Dossier.organisation).load_only(
            Organisation.name, Organisation.siret, Organisation.commune_insee, Organisation.legal_form),
            raiseload(Dossier.attachments), raiseload(Dossier.workflow_version))
        .order_by(Dossier.reference)).unique().all())


@dataclass(frozen=True)
class ReviewLine:
    """A submitted review as the export reads it."""

    reference: str
    title: str
    reviewer_name: str
    group: str | None
    scores: dict
    weighted_score: Decimal | None
    recommendation: str | None
    proposed_amount: Decimal | None
    committee_comment: str
    grid_version_id: int


def submitted_reviews(call, user) -> list[ReviewLine]:
    """Every submitted review of the call's dossiers this person may see, with the reviewer's name and group."""
    rows = db.session.execute(
        db.select(Dossier.reference, Dossier.title, User.full_name, User.email, PoolMember.group, Review.scores,
                  Review.weighted_score, Review.recommendation, Review.proposed_amount, Review.committee_comment,
                  Review.grid_version_id)
        .join(Dossier, Dossier.id == Review.dossier_id).join(User, User.id == Review.user_id)
        .outerjoin(PoolMember, and_(PoolMember.user_id == Review.user_id, PoolMember.call_id == call.id))
        .where(Review.state == SUBMITTED, Dossier.call_id == call.id, Dossier.reference.is_not(None),
               visible_condition(user, Dossier))
        .order_by(Dossier.reference, Review.id)).all()
    return [ReviewLine(reference, title, full_name or email, group, scores or {}, score, recommendation, proposed,
                       comment or "", grid_version_id)
            for (reference, title, full_name, email, group, scores, score, recommendation, proposed, comment,
                 grid_version_id) in rows]


def dossiers_sheet(call, dossiers: list[tuple[Dossier, ReviewStanding | None]],
                   ranking: CallRanking) -> tuple[list[str], list[list]]:
    columns = answer_columns([dossier for dossier, _standing in dossiers])
    header = [_("Référence"), _("Titre"), _("Structure"), _("SIRET"), _("Commune"), _("Volet"), _("État"),
              _("Montant demandé"), _("Relectures soumises"), _("Note moyenne (sur 100)"), _("Note calibrée"),
              _("Rang dans le volet"), _("Rang calibré"), _("Divergence"),
              *[label.translated(_) for label in RECOMMENDATIONS.values()], _("Montant proposé moyen"),
              *answer_headers(columns)]
    strands = {strand.id: strand.name for strand in call.strands}
    workflow = workflow_of_version(call.workflow_version) if call.workflow_version else None
    rows = []
    for dossier, standing in dossiers:
        organisation, position = dossier.organisation, ranking.positions.get(dossier.id)
        counts = standing.recommendations if standing else {}
        answers = dossier.answers or {}
        rows.append([
            dossier.reference, dossier.title, organisation.name, organisation.siret,
            commune_name(organisation.commune_insee),
            strands.get(dossier.strand_id, ""), workflow.state_label(dossier.state) if workflow else dossier.state,
            dossier.requested_amount, standing.reviews if standing else 0, rounded(standing and standing.score),
            rounded(position and position.calibrated), position and position.raw_rank,
            position and position.calibrated_rank, _("Oui") if standing and standing.divergent else _("Non"),
            *[counts.get(key, 0) for key in RECOMMENDATIONS], rounded(standing and standing.mean_proposed),
            *[cell for _key, _label, field in columns for cell in answer_cells(field, answers.get(field.key))]])
    return header, rows


def reviews_sheet(lines: list[ReviewLine], group_labels: dict) -> tuple[list[str], list[list]]:
    version_ids = sorted({line.grid_version_id for line in lines})
    versions = db.session.execute(db.select(GridVersion).where(GridVersion.id.in_(version_ids))).scalars().all() \
        if version_ids else []
    criteria: dict[str, str] = {}
    for version in sorted(versions, key=lambda version: -version.version):
        for item in version.criteria:
            criteria.setdefault(item["key"], item["label"])
    numbers = {version.id: version.version for version in versions}
    header = [_("Référence"), _("Titre"), _("Relecteur·rice"), _("Groupe"), _("Version de la grille"),
              *criteria.values(), _("Note pondérée (sur 100)"), _("Avis"), _("Montant proposé"),
              _("Commentaire pour le comité")]
    rows = []
    for line in lines:
        recommendation = RECOMMENDATIONS.get(line.recommendation)
        rows.append([line.reference, line.title, line.reviewer_name,
                     group_labels.get(line.group, line.group or ""), numbers.get(line.grid_version_id),
                     *[_score_cell(line.scores.get(key)) for key in criteria], rounded(line.weighted_score),
                     recommendation.translated(_) if recommendation else None, line.proposed_amount,
                     line.committee_comment])
    return header, rows


def _score_cell(value):
    if value is None or value == "":
        return None
    if value == NA:
        return NA
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return str(value)
