"""The minutes as a PDF: its text, extracted, holds the session's figures; what people typed stays text."""
import io
import re

from pypdf import PdfReader

from aap.committee.models import AgendaItem, Minutes
from aap.extensions import db
from tests.committee.minutes_world import meeting
from tests.committee.test_minutes import lock_now


def pdf_text(response) -> str:
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert response.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))


def test_the_locked_minutes_pdf_holds_the_figures(client, session):
    world = meeting()
    item = db.session.get(AgendaItem, world["items"][1].id)
    item.notes = "<script>alert(1)</script> & « guillemets »"
    db.session.commit()
    client.login(world["chair"])
    client.post(f"/comite/seances/{world['session'].id}/proces-verbal",
                data={"minutes-text": "Ouverture à 14 h <b>par</b> la présidente."})
    lock_now(client, world)
    client.login(world["members"]["Chloé Région"])
    response = client.get(f"/comite/seances/{world['session'].id}/proces-verbal/1.pdf")
    assert f"proces-verbal-seance-{world['session'].id}-v1.pdf" in response.headers["Content-Disposition"]
    text = pdf_text(response)
    assert "Procès-verbal du comité de projets" in text and "Version verrouillée le" in text
    assert "4 membres convoqués : 1 en salle, 1 à distance, 1 absent·es, 1 non renseigné·es — 2 présent·es." in text
    assert "Quorum requis : 2 membres présents." in text and "2 membres présents à l'ouverture. Quorum atteint." in text
    assert "Ouverture à 14 h <b>par</b> la présidente." in text
    assert "Favorable : 2 · Défavorable : 0 · Abstention : 0" in text
    assert "Bruno Banque Votes Favorable : 0 · Défavorable : 1 · Abstention : 0" in text
    assert "Favorable : 1 · Défavorable : 0 · Abstention : 1" in text
    assert "Avis du comité Avis favorable — 8 000 €" in text and "Avis favorable — 5 000 €" in text
    assert "Avis du comité Avis défavorable" in text and "Ajourné — reporté à séance d'automne" in text
    assert "<script>alert(1)</script> & « guillemets »" in text
    assert "Création 1 8 000 € Développement 1 5 000 € Total 2 13 000 €" in text
    assert "2 avis favorables, 1 avis défavorable, 1 dossier ajourné, 0 dossiers sans avis." in text
    fingerprint = db.session.execute(db.select(Minutes.fingerprint).where(Minutes.session_id == world["session"].id)
                                     ).scalar_one()
    assert fingerprint in text.replace(" ", "")


def test_a_draft_pdf_says_it_is_not_locked_and_an_earlier_version_that_it_was_replaced(client, session):
    world = meeting()
    client.login(world["chair"])
    draft = pdf_text(client.get(f"/comite/seances/{world['session'].id}/proces-verbal/1.pdf"))
    assert "Projet de procès-verbal, non verrouillé" in draft
    lock_now(client, world)
    client.post(f"/comite/seances/{world['session'].id}/proces-verbal/corriger")
    first = pdf_text(client.get(f"/comite/seances/{world['session'].id}/proces-verbal/1.pdf"))
    assert "Cette version a été remplacée par la version 2." in first and "Version verrouillée le" in first
