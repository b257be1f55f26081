"""The call's dossiers with their answers and review figures, and its reviews one per line, as spreadsheet rows.

Amounts and scores stay numbers (Decimal); texts go through the exports' formula guard (aap.core.exports).
"""
from decimal import Decimal

from flask_babel import gettext as _

from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.organisations.communes import commune_name
from aap.questionnaire.budget import CHARGES, LINES, PRODUITS, amount, totals
from aap.questionnaire.models import FormVersion
from aap.review.aggregates import RECOMMENDATIONS
from aap.review.models import GridVersion
from aap.review.ranking import CallReview
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


def dossiers_sheet(call, review: CallReview) -> tuple[list[str], list[list]]:
    standings = list(review.standings.values())
    dossiers = [standing.dossier for standing in standings]
    columns = answer_columns(dossiers)
    header = [_("Référence"), _("Titre"), _("Structure"), _("SIRET"), _("Commune"), _("Volet"), _("État"),
              _("Montant demandé"), _("Relectures soumises"), _("Note moyenne (sur 100)"), _("Note calibrée"),
              _("Rang dans le volet"), _("Rang calibré"), _("Divergence"),
              *[label.translated(_) for label in RECOMMENDATIONS.values()], _("Montant proposé moyen"),
              *answer_headers(columns)]
    strands = {strand.id: strand.name for strand in call.strands}
    workflow = workflow_of_version(call.workflow_version) if call.workflow_version else None
    rows = []
    for standing in standings:
        dossier, organisation = standing.dossier, standing.dossier.organisation
        counts = standing.recommendations
        answers = dossier.answers or {}
        rows.append([
            dossier.reference, dossier.title, organisation.name, organisation.siret,
            commune_name(organisation.commune_insee),
            strands.get(dossier.strand_id, ""), workflow.state_label(dossier.state) if workflow else dossier.state,
            dossier.requested_amount, len(standing.reviews), rounded(standing.score), rounded(standing.calibrated),
            standing.raw_rank, standing.calibrated_rank, _("Oui") if standing.divergent else _("Non"),
            *[counts.get(key, 0) for key in RECOMMENDATIONS], rounded(standing.mean_proposed),
            *[cell for _key, _label, field in columns for cell in answer_cells(field, answers.get(field.key))]])
    return header, rows


def reviews_sheet(call, review: CallReview, group_labels: dict) -> tuple[list[str], list[list]]:
    version_ids = sorted({line.grid_version_id for line in review.reviews})
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
    for line in review.reviews:
        dossier = review.standings[line.dossier_id].dossier
        recommendation = RECOMMENDATIONS.get(line.recommendation)
        rows.append([dossier.reference, dossier.title, line.reviewer_name,
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
