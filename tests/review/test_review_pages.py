"""The grid editor, the review form and the review panel, through the pages people use."""
from decimal import Decimal

import pytest

from aap.core.models import utcnow
from aap.dossiers.reviewers import ASSIGNED, DONE, Assignment, Conflict
from aap.extensions import db
from aap.review.models import GridVersion, Review
from aap.review.operations import freeze_reviews
from aap.workflow import engine
from aap.workflow.models import AuditRecord
from tests import factories
from tests.review.helpers import GOOD, post_review, review_of, submit

# --- the review form -------------------------------------------------------------------------------------------

def test_submission_stores_the_weighted_score_and_marks_the_assignment_done(client, world):
    review = submit(client, world, world.reviewers[0])
    assert review.state == "submitted" and review.submitted_at is not None
    # 100 × (4/5·3 + 3,5/5·2 + 5/5·2 + 2/5·2) / 9 on 0–100; "n/a" answers are left out
    assert review.weighted_score == Decimal("73.3333")
    assert review.scores["cooperation"] == review.scores["emplois"] == "n/a"  # left empty at submission: n/a
    assert review.proposed_amount == Decimal("10000")
    assignment = db.session.execute(db.select(Assignment).where(Assignment.user_id == world.reviewers[0].id)).scalar_one()
    assert assignment.state == DONE
    assert review.grid_version.version == 1  # the proposed grid became the call's first version


def test_the_form_opens_the_dossier_beside_it_and_the_reviewer_reads_it(client, world):
    client.login(world.reviewers[0])
    form = client.get(f"/relectures/dossiers/{world.dossier.id}").page
    assert f'href="/dossiers/{world.dossier.id}/lecture"' in form
    assert f'href="/dossiers/{world.dossier.id}/dossier-complet.pdf"' in form
    assert client.get(f"/dossiers/{world.dossier.id}/lecture").status_code == 200


def test_a_draft_may_be_incomplete_and_does_not_count_as_done(client, world):
    client.login(world.reviewers[0])
    response = post_review(client, world, action="draft", score_utilite_sociale="", recommendation="",
                           committee_comment="")
    assert response.status_code == 302
    review = review_of(world, world.reviewers[0])
    assert review.state == "draft" and review.weighted_score is None and "utilite_sociale" not in review.scores
    assert db.session.execute(db.select(Assignment.state).where(
        Assignment.user_id == world.reviewers[0].id)).scalar_one() == ASSIGNED


@pytest.mark.parametrize("changes, message", [
    ({"score_utilite_sociale": "7"}, "« Utilité sociale » : la note doit être comprise entre 0 et 5 (reçu : 7)."),
    ({"score_utilite_sociale": "beaucoup"}, "« Utilité sociale » : « beaucoup » n'est pas une note ; saisissez un nombre de 0 à 5."),
    ({"score_gouvernance": "n/a"}, "« Gouvernance démocratique » : ce critère est obligatoire, il ne peut pas être noté n/a"),
    ({"score_viabilite": ""}, "« Viabilité économique » : ce critère est obligatoire, donnez une note de 0 à 5."),
    ({"recommendation": ""}, "Choisissez un avis : favorable, réservé ou défavorable."),
    ({"proposed_amount": "15000"}, "Le montant proposé ne peut pas dépasser le montant demandé (12000 €)."),
])
def test_bad_reviews_are_refused_next_to_the_field_keeping_what_was_typed(client, world, changes, message):
    client.login(world.reviewers[0])
    response = post_review(client, world, **changes)
    assert response.status_code == 400
    assert message in response.page and "error-summary" in response.text
    assert 'value="Projet solide' not in response.text and "Projet solide, ancré dans le quartier." in response.page
    for name, typed in changes.items():
        if typed and name.startswith("score_"):
            assert f'value="{typed}"' in response.text
    assert review_of(world, world.reviewers[0]) is None


def test_a_score_outside_the_scale_is_refused_even_in_a_draft(client, world):
    client.login(world.reviewers[0])
    response = post_review(client, world, action="draft", score_emplois="-1")
    assert response.status_code == 400 and "« Emplois » : la note doit être comprise entre 0 et 5" in response.page


def test_a_reviewer_not_assigned_or_in_conflict_gets_404(client, world):
    stranger = factories.make_user(roles=("reviewer",), call=world.call, totp=True)
    client.login(stranger)
    assert client.get(f"/relectures/dossiers/{world.dossier.id}").status_code == 404
    assert post_review(client, world).status_code == 404
    conflicted = world.reviewers[1]
    db.session.add(Conflict(dossier_id=world.dossier.id, user_id=conflicted.id, kind="family", declared_at=utcnow()))
    db.session.commit()
    client.login(conflicted)
    assert client.get(f"/relectures/dossiers/{world.dossier.id}").status_code == 404
    assert post_review(client, world).status_code == 404
    assert review_of(world, conflicted) is None


def test_a_stale_save_is_refused_and_keeps_what_was_typed(client, world):
    review = submit(client, world, world.reviewers[0])
    old_version = review.lock_version
    assert post_review(client, world, version=str(old_version), score_viabilite="3").status_code == 302
    response = post_review(client, world, version=str(old_version), committee_comment="Mon nouveau texte")
    assert response.status_code == 409
    assert "Cette relecture a été enregistrée ailleurs" in response.page and "Mon nouveau texte" in response.page
    db.session.expire_all()
    assert review_of(world, world.reviewers[0]).committee_comment == GOOD["committee_comment"]


def test_two_tabs_starting_the_same_review_the_second_is_stale(client, world):
    submit(client, world, world.reviewers[0])
    response = post_review(client, world, action="draft", version="")
    assert response.status_code == 409 and "Cette relecture a été enregistrée ailleurs" in response.page


def test_after_the_freeze_every_save_is_refused_with_its_date(client, world):
    review = submit(client, world, world.reviewers[0])
    moment = utcnow()
    assert freeze_reviews(world.call, moment, world.admin) == 3  # the two not begun get a frozen empty draft
    db.session.commit()
    response = post_review(client, world, version=str(review.lock_version), score_viabilite="1")
    assert response.status_code == 409
    assert "Les relectures de ce dossier ont été figées le" in response.page
    assert review_of(world, world.reviewers[0]).scores["viabilite"] == "2"
    client.login(world.reviewers[1])  # had not begun
    assert post_review(client, world, version="").status_code == 409
    late = factories.make_user(roles=("reviewer",), call=world.call, totp=True)
    db.session.add(Assignment(dossier_id=world.dossier.id, user_id=late.id))
    db.session.commit()
    client.login(late)  # assigned after the freeze: still refused
    assert post_review(client, world, version="").status_code == 409
    assert review_of(world, late) is None
    record = db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == world.dossier.id)
                                .order_by(AuditRecord.sequence.desc()).limit(1)).scalar_one()
    assert record.transition == "reviews_frozen" and not record.holder_visible and record.actor_id == world.admin.id


def test_submitted_review_stays_editable_until_frozen(client, world):
    review = submit(client, world, world.reviewers[0])
    assert post_review(client, world, version=str(review.lock_version), score_viabilite="5").status_code == 302
    db.session.expire_all()
    review = review_of(world, world.reviewers[0])
    assert review.state == "submitted" and review.weighted_score == Decimal("86.6667")


# --- blind rules and the panel -------------------------------------------------------------------------------

def test_a_reviewer_sees_no_other_review_before_submitting_theirs(client, world):
    submit(client, world, world.reviewers[0], committee_comment="Avis très favorable de la banque")
    client.login(world.reviewers[1])
    page = client.get(f"/dossiers/{world.dossier.id}").page
    assert "Commencer ma relecture" in page and "Avis très favorable de la banque" not in page
    assert "Relectrice0" not in page and "73,33" not in page
    submit(client, world, world.reviewers[1])
    page = client.get(f"/dossiers/{world.dossier.id}").page
    assert "Avis très favorable de la banque" in page and "Relectrice0" in page and "Banques et finance" in page


def test_staff_see_reviews_side_by_side_with_aggregates(client, world):
    submit(client, world, world.reviewers[0])
    submit(client, world, world.reviewers[2], score_utilite_sociale="0", score_ancrage_territorial="0",
           score_gouvernance="1", score_viabilite="0", recommendation="defavorable")
    client.login(world.admin)
    page = client.get(f"/dossiers/{world.dossier.id}").page
    assert "Relectrice0" in page and "Relectrice2" in page
    assert "73,33" in page and "Défavorable" in page and "Hors des viviers de l'appel (groupe non renseigné)" in page
    assert "Les relecteurs divergent" in page
    assert "Par groupe d'acteurs" in page and "Par critère" in page


def test_the_holder_never_sees_a_reviewers_name(client, world):
    submit(client, world, world.reviewers[0])
    client.login(world.holder)
    page = client.get(f"/dossiers/{world.dossier.id}").page
    assert "Précisez le budget." not in page  # not until the decision
    for transition in ("declare_eligible", "schedule_committee", "record_opinion"):
        engine.apply_transition(world.dossier.id, transition, world.admin, {"comment": "ok"})
    engine.fire(world.dossier.id, "decision_granted", world.admin, {"amount": Decimal("10000")})
    db.session.commit()
    page = client.get(f"/dossiers/{world.dossier.id}").page
    assert "Précisez le budget." in page
    for reviewer in world.reviewers:
        assert reviewer.display_name not in page and reviewer.email not in page
    assert "Projet solide" not in page and "73,33" not in page


def test_the_dossier_page_costs_the_same_queries_with_2_or_20_reviews(client, world, count_queries):
    def page_queries():
        client.login(world.admin)
        client.get(f"/dossiers/{world.dossier.id}")
        with count_queries() as counted:
            assert client.get(f"/dossiers/{world.dossier.id}").status_code == 200
        return counted.n

    for reviewer in world.reviewers[:2]:
        submit(client, world, reviewer)
    two = page_queries()
    for _ in range(18):
        reviewer = factories.make_user(roles=("reviewer",), call=world.call, totp=True)
        db.session.add(Assignment(dossier_id=world.dossier.id, user_id=reviewer.id))
        db.session.commit()
        submit(client, world, reviewer)
    assert db.session.execute(db.select(db.func.count(Review.id))).scalar() == 20
    assert page_queries() == two


# --- the grid editor -----------------------------------------------------------------------------------------

def grid_data(rows, based_on="0", confirm=False):
    data = {"based_on": based_on}
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"criteria-{index}-{name}"] = value
    if confirm:
        data["confirm"] = "y"
    return data


ROWS = [{"label": "Utilité sociale", "key": "utilite_sociale", "weight": "3", "minimum": "0", "maximum": "5",
         "required": "y", "position": "1"},
        {"label": "Viabilité économique", "key": "viabilite", "weight": "2", "minimum": "0", "maximum": "20",
         "required": "y", "position": "2"}]


def test_a_new_call_starts_from_the_proposed_grid(client, world):
    client.login(world.admin)
    page = client.get(f"/instruction/appels/{world.call.id}/grille").page
    for label in ("Utilité sociale", "Ancrage territorial", "Gouvernance démocratique", "Viabilité économique",
                  "Coopération", "Emplois"):
        assert f'value="{label}"' in page


def test_publishing_a_grid_orders_and_derives_keys(client, world):
    client.login(world.admin)
    rows = [{**ROWS[1], "position": "2"}, {"label": "Ancrage territorial", "key": "", "weight": "1,5",
                                           "minimum": "0", "maximum": "5", "position": "1"}]
    assert client.post(f"/instruction/appels/{world.call.id}/grille", data=grid_data(rows)).status_code == 302
    version = db.session.execute(db.select(GridVersion).where(GridVersion.call_id == world.call.id)).scalar_one()
    assert [c.key for c in version.grid.criteria] == ["ancrage_territorial", "viabilite"]
    assert version.grid.criteria[0].weight == Decimal("1.5") and not version.grid.criteria[0].required


@pytest.mark.parametrize("change, message", [
    ({"weight": "0"}, "Le poids du critère « Viabilité économique » doit être un nombre strictement positif (reçu : 0)."),
    ({"minimum": "20"}, "L'échelle du critère « Viabilité économique » va de 20 à 20 : le maximum doit être supérieur au minimum."),
    ({"key": "utilite_sociale"}, "La clé « utilite_sociale » est donnée à 2 critères : chaque critère a sa propre clé."),
    ({"weight": "lourd"}, "Saisissez un nombre, par exemple 2 ou 1,5."),
])
def test_a_malformed_grid_is_refused_keeping_what_was_typed(client, world, change, message):
    client.login(world.admin)
    rows = [ROWS[0], {**ROWS[1], **change}]
    response = client.post(f"/instruction/appels/{world.call.id}/grille", data=grid_data(rows))
    assert response.status_code == 400 and message in response.page and "error-summary" in response.text
    for value in change.values():
        assert f'value="{value}"' in response.text
    assert db.session.execute(db.select(GridVersion)).first() is None


def test_editing_a_grid_after_reviews_publishes_a_new_version(client, world):
    submitted = submit(client, world, world.reviewers[0])
    client.login(world.reviewers[1])
    assert post_review(client, world, action="draft", score_viabilite="4", score_utilite_sociale="2").status_code == 302
    client.login(world.admin)
    page = client.get(f"/instruction/appels/{world.call.id}/grille").page
    assert "1 relecture(s) soumise(s) et 1 brouillon(s) sont notés sur la version 1" in page
    rows = [{**ROWS[0], "maximum": "1"}, ROWS[1]]
    refused = client.post(f"/instruction/appels/{world.call.id}/grille", data=grid_data(rows, based_on="1"))
    assert refused.status_code == 400 and "cochez cette case pour publier une nouvelle version" in refused.page
    done = client.post(f"/instruction/appels/{world.call.id}/grille", data=grid_data(rows, based_on="1", confirm=True))
    assert done.status_code == 302
    db.session.expire_all()
    assert submitted.grid_version.version == 1 and submitted.weighted_score == Decimal("73.3333")
    draft = review_of(world, world.reviewers[1])
    assert draft.grid_version.version == 2
    assert draft.scores == {"viabilite": "4"}  # utilité sociale 2 is outside the new 0–1 scale; the others are gone
    stale = client.post(f"/instruction/appels/{world.call.id}/grille", data=grid_data(ROWS, based_on="1",
                                                                                     confirm=True))
    assert stale.status_code == 409 and "Une autre version de la grille (version 2)" in stale.page
    client.login(world.admin)
    page = client.get(f"/dossiers/{world.dossier.id}").page
    assert "Relectures côte à côte (grille version 1)" in page


def test_freezing_from_the_grid_page_needs_confirmation(client, world):
    submit(client, world, world.reviewers[0])
    client.login(world.admin)
    refused = client.post(f"/instruction/appels/{world.call.id}/grille/figer", data={}, follow_redirects=True)
    assert "Cochez la case de confirmation" in refused.page
    assert review_of(world, world.reviewers[0]).frozen_at is None
    done = client.post(f"/instruction/appels/{world.call.id}/grille/figer", data={"confirm": "y"},
                       follow_redirects=True)
    assert "3 relecture(s) figée(s)" in done.page
    assert review_of(world, world.reviewers[0]).frozen_at is not None
