"""The supported structures the bilan names: funded dossiers whose holders agreed to it when they applied."""
from sqlalchemy import func, select

from aap.bilan.facts import in_force
from aap.bilan.numbers import money
from aap.bilan.territory import commune_label
from aap.calls.models import Strand
from aap.decisions.models import INSTRUMENTS, Decision
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.organisations.forms import LEGAL_FORM_LABELS
from aap.organisations.models import Organisation


def supported_structures(facts) -> list[dict]:
    instrument = (select(Decision.dossier_id, func.min(Decision.instrument).label("instrument"))
                  .where(in_force()).group_by(Decision.dossier_id).subquery())
    rows = db.session.execute(
        select(Organisation.name, facts.c.commune, Organisation.legal_form, Strand.name.label("strand"),
               Dossier.title, Dossier.public_summary, facts.c.granted, instrument.c.instrument)
        .select_from(facts).join(Dossier, Dossier.id == facts.c.dossier_id)
        .join(Organisation, Organisation.id == facts.c.organisation_id)
        .outerjoin(Strand, Strand.id == facts.c.strand_id)
        .outerjoin(instrument, instrument.c.dossier_id == facts.c.dossier_id)
        .where(facts.c.funded == 1, Dossier.publication_consent.is_(True))
        .order_by(func.lower(Organisation.name), Dossier.title, facts.c.dossier_id))
    return [{"organisation": row.name, "commune": commune_label(row.commune),
             "legal_form": str(LEGAL_FORM_LABELS.get(row.legal_form, row.legal_form)), "strand": row.strand,
             "title": row.title, "summary": row.public_summary, "amount": money(row.granted),
             "instrument": str(INSTRUMENTS.get(row.instrument or "grant", row.instrument))} for row in rows]
