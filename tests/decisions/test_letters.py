"""The decision letter: its text, extracted from the PDF, says who decided what on which deliberation, each
instrument's particulars and a grant's next steps; typed text stays text; the release mail carries it."""
import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from aap.decisions.letters import decision_letter, letter_attachment, letter_pdf
from aap.decisions.letters_words import amount_in_words
from aap.decisions.models import EQUITY, IN_KIND, POSTPONED, REFUSED, REPAYABLE
from aap.extensions import db
from aap.mail.attachments import build_all
from aap.notifications.operations import notify
from tests.decisions.documents_world import co_funder, granted, make_decision


def text_of(document: bytes) -> str:
    assert document.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages)
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))


@pytest.mark.parametrize("amount, words", [
    ("23000", "vingt-trois mille euros"), ("1000000", "un million d'euros"), ("2000000", "deux millions d'euros"),
    ("12500.50", "douze mille cinq cents euros et cinquante centimes"), ("1", "un euro"), ("80", "quatre-vingts euros"),
    ("1.01", "un euro et un centime"), ("71", "soixante et onze euros"), ("200", "deux cents euros"),
])
def test_amounts_are_written_in_french_words(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_a_grant_above_the_threshold_says_what_where_and_what_comes_next(session):
    world = granted("30000", organisation="Les Jardins du Canal", title="Jardin partagé")
    text = text_of(decision_letter(world.decision))
    assert text.startswith("Plaine Commune Le ")
    assert "Les Jardins du Canal 12 rue du Canal Saint-Denis" in text
    assert f"Objet : décision sur votre dossier {world.dossier.reference} « Jardin partagé »" in text
    assert "Par délibération n° CT-2026-118 du 17/03/2026, Plaine Commune a statué sur votre demande." in text
    assert "Décision : Accordé" in text
    assert ("Une aide vous est accordée sous la forme suivante : Subvention (aide en numéraire), d'un montant de "
            "30 000 € (trente mille euros).") in text
    assert "Le montant accordé dépassant 23 000 €, une convention" in text
    assert "Aucun versement ne peut intervenir avant sa signature (loi n° 2000-321 du 12 avril 2000, article 10)." in text
    assert "Acompte 70 % 21 000 € à la signature de la convention" in text
    assert "Solde 30 % 9 000 € après le compte-rendu financier" in text
    assert "compte-rendu financier (Cerfa n° 15059)" in text
    assert "Voies et délais de recours" in text and "Projet de courrier" not in text


def test_a_grant_up_to_the_threshold_needs_no_agreement_and_a_schedule_appears_only_when_there_is_one(session):
    world = granted("23000", tranches=())
    text = text_of(decision_letter(world.decision))
    assert "23 000 € (vingt-trois mille euros)" in text
    assert "Le montant accordé ne dépassant pas 23 000 €, aucune convention n'est obligatoire" in text
    assert "Échéancier de versement" not in text


@pytest.mark.parametrize("outcome, said", [(REFUSED, "Décision : Refusé Votre demande n'a pas été retenue."),
                                           (POSTPONED, "Décision : Ajourné L'examen de votre demande est ajourné")])
def test_a_refusal_or_an_adjournment_gives_its_motivation_and_no_amount(session, outcome, said):
    world = granted(outcome=outcome, motivation="Le budget ne s'équilibre pas.\nRevoir les recettes.")
    text = text_of(decision_letter(world.decision))
    assert said in text
    assert "Motivation Le budget ne s'équilibre pas. Revoir les recettes." in text
    assert "€" not in text and "Prochaines étapes" not in text


def test_aid_in_kind_has_its_description_and_valuation(session):
    world = granted("5000", instrument=IN_KIND, tranches=(),
                    details={"description": "Mise à disposition d'un local de 80 m² pendant un an"})
    text = text_of(decision_letter(world.decision))
    assert "sous la forme suivante : Aide en nature, d'un montant de 5 000 € (cinq mille euros)" in text
    assert "Mise à disposition d'un local de 80 m² pendant un an" in text
    assert "Valorisation de l'aide en nature : 5 000 €." in text
    assert "convention" not in text.lower().replace("aucune convention", "")


def test_equity_has_the_number_and_value_of_its_shares(session):
    world = granted("40000", instrument=EQUITY, tranches=(), details={"shares": 400, "share_value": "100"})
    text = text_of(decision_letter(world.decision))
    assert "Prise de participation au capital" in text
    assert "Souscription de 400 parts sociales d'une valeur unitaire de 100 €, soit 40 000 €" in text


def test_a_repayable_advance_has_its_repayment_schedule(session):
    world = granted("20000", instrument=REPAYABLE, tranches=(), details={"repayments": [
        {"due_on": "2028-06-30", "amount": "10000"}, {"due_on": "2029-06-30", "amount": "10000"}]})
    text = text_of(decision_letter(world.decision))
    assert "Échéancier de remboursement" in text
    assert "30/06/2028 10 000 €" in text and "30/06/2029 10 000 €" in text


def test_a_co_funder_signs_its_own_letter_and_a_call_without_funders_its_title(session):
    world = granted("10000")
    funder = co_funder(world.call)
    text = text_of(decision_letter(make_decision(world.dossier, "8000", funder=funder, tranches=())))
    assert text.startswith("Département de la Seine-Saint-Denis Le ")
    assert "Département de la Seine-Saint-Denis a statué sur votre demande" in text
    world.call.funders = []
    db.session.commit()
    assert text_of(decision_letter(world.decision)).startswith(f"{world.call.title} Le ")


def test_what_people_typed_stays_text(session):
    world = granted("30000", organisation="<b>Les Amis</b> & Cie", title="Projet <script>alert(1)</script>",
                    motivation="Voir <i>l'annexe</i> & le budget")
    text = text_of(decision_letter(world.decision))
    assert "<b>Les Amis</b> & Cie" in text
    assert "«Projet<script>alert(1)</script>»" in text.replace(" ", "")  # a line may break inside the tag
    assert "Voir <i>l'annexe</i> & le budget" in text


def test_a_staged_decision_prints_as_a_draft(session):
    world = granted("30000", released=False)
    text = text_of(decision_letter(world.decision))
    assert "Projet de courrier : cette décision n'est pas encore publiée" in text


def test_the_holder_downloads_the_letter_once_released_and_staff_before(client, session):
    world = granted("30000", released=False)
    path = f"/decisions/{world.decision.id}/lettre.pdf"
    client.login(world.holder)
    assert client.get(path).status_code == 404
    client.login(world.admin)
    staged = client.get(path)
    assert staged.status_code == 200 and "Projet de courrier" in text_of(staged.data)
    world.decision.released_at = world.decision.decided_at
    db.session.commit()
    client.login(world.holder)
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"decision-{world.dossier.reference}-{world.decision.id}.pdf" in response.headers["Content-Disposition"]
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "Décision : Accordé" in text_of(response.data)
    other = granted("1000")
    client.login(other.holder)
    assert client.get(path).status_code == 404


def test_the_release_mail_carries_the_letter_made_at_delivery(client, session, mailbox, worker):
    world = granted("30000")
    stored = letter_attachment(world.decision)
    assert stored == {"builder": "decision_letter", "args": {"decision_id": world.decision.id},
                      "filename": f"decision-{world.dossier.reference}-{world.decision.id}.pdf",
                      "mimetype": "application/pdf"}
    notify(world.holder, "decision", attachments=[stored], link="http://localhost/dossiers/1",
           dossier_title=world.dossier.title, dossier_number=world.dossier.id, organisation="Structure",
           call=str(world.call), state="Accordé", comment="", reasons=[])
    db.session.commit()
    worker.drain()
    [message] = mailbox.to(world.holder.email)
    [part] = [p for p in message.iter_attachments() if p.get_filename() == stored["filename"]]
    assert part.get_content_type() == "application/pdf"
    assert "Décision : Accordé" in text_of(part.get_payload(decode=True))


def test_the_builder_refuses_a_decision_no_longer_released_or_gone(session):
    world = granted("30000")
    assert build_all([letter_attachment(world.decision)])[0].content.startswith(b"%PDF-")
    world.decision.released_at = None
    db.session.commit()
    with pytest.raises(ValueError, match="retirée de la publication"):
        letter_pdf(decision_id=world.decision.id)
    with pytest.raises(ValueError, match="supprimée"):
        letter_pdf(decision_id=999999)
