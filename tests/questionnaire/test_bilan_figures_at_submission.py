"""What a submission records for the bilan: first date, budget, jobs, and the holder's consent to publication."""
from decimal import Decimal

from aap.dossiers.queries import receipts_of
from aap.extensions import db
from aap.workflow import engine
from tests.questionnaire.test_questionnaire import draft, save  # noqa: F401  (the fixture and the form's answers)


def test_a_submission_records_the_budget_the_jobs_and_its_first_date(draft, client):  # noqa: F811
    save(client, draft)
    holder = draft.organisation.memberships[0].user
    engine.apply_transition(draft.id, "submit", holder)
    db.session.refresh(draft)
    first = draft.submitted_at
    assert first is not None
    assert (draft.project_budget, draft.jobs_planned) == (Decimal("20000.00"), Decimal("1.00"))
    assert draft.publication() == {"consent": False, "summary": ""}


def test_the_consent_to_publication_is_sealed_by_the_receipt_and_shown_in_it(draft, client):  # noqa: F811
    save(client, draft, public_summary="  Une ressourcerie au cœur du quartier.  ", publication_consent="y")
    db.session.refresh(draft)
    assert draft.publication() == {"consent": True, "summary": "Une ressourcerie au cœur du quartier."}
    engine.apply_transition(draft.id, "submit", draft.organisation.memberships[0].user)
    [receipt] = receipts_of(draft)
    assert receipt.content["publication"] == {"consent": True, "summary": "Une ressourcerie au cœur du quartier."}
    reading = client.get(f"/dossiers/{draft.id}/lecture").text
    assert "Acceptée, si le projet est soutenu" in reading and "Une ressourcerie au cœur du quartier." in reading


def test_without_the_box_ticked_nothing_is_published(draft, client):  # noqa: F811
    save(client, draft, public_summary="Un résumé", publication_consent=None)
    db.session.refresh(draft)
    assert draft.publication_consent is False
    engine.apply_transition(draft.id, "submit", draft.organisation.memberships[0].user)
    assert receipts_of(draft)[0].content["publication"]["consent"] is False
    assert "Non acceptée" in client.get(f"/dossiers/{draft.id}/lecture").text


def test_a_public_summary_longer_than_600_characters_is_refused_and_kept(draft, client):  # noqa: F811
    response = save(client, draft, public_summary="é" * 601)
    assert response.status_code == 400
    assert "600" in response.text and "é" * 601 in response.text
    db.session.refresh(draft)
    assert draft.public_summary == ""
