"""Each dossier's review figures, kept as reviews are submitted, and the ranking that follows them at once."""
import threading
from decimal import Decimal

from aap.auth.models import User
from aap.calls.models import Strand
from aap.core.models import utcnow
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.review import operations
from aap.review.models import ReviewStanding
from aap.review.standings import figures, rebuild_standings
from aap.workflow import engine
from tests import factories
from tests.review.helpers import GOOD, post_review, review_of, submit


def standing_of(dossier) -> ReviewStanding | None:
    db.session.expire_all()
    return db.session.get(ReviewStanding, dossier.id)


def test_figures_leave_n_a_out_and_count_recommendations():
    kept = figures([(Decimal("90"), "favorable", Decimal("10000")), (Decimal("50"), "favorable", None),
                    (None, "defavorable", Decimal("5000.50"))])
    assert kept["reviews"] == 3 and kept["scored"] == 2 and kept["score"] == Decimal("70")
    assert kept["lowest"] == Decimal("50") and kept["highest"] == Decimal("90") and kept["divergent"] is True
    assert kept["recommendations"] == {"favorable": 2, "defavorable": 1}
    assert kept["mean_proposed"] == Decimal("7500.25")
    assert figures([])["score"] is None and figures([])["reviews"] == 0


def test_a_third_is_kept_to_ten_decimals_and_rounds_as_the_exact_mean():
    kept = figures([(Decimal("10"), None, None), (Decimal("10"), None, None), (Decimal("10.0001"), None, None)])
    assert kept["score"] == Decimal("10.0000333333")


def test_a_submission_keeps_the_figures_and_a_draft_does_not(client, world):
    client.login(world.reviewers[0])
    assert post_review(client, world, action="save").status_code == 302
    assert standing_of(world.dossier) is None
    draft = review_of(world, world.reviewers[0])
    first = submit(client, world, world.reviewers[0], version=str(draft.lock_version))
    standing = standing_of(world.dossier)
    assert (standing.reviews, standing.scored, standing.score) == (1, 1, first.weighted_score)
    assert standing.recommendations == {"favorable": 1} and standing.mean_proposed == Decimal("10000")
    second = submit(client, world, world.reviewers[1], score_utilite_sociale="0", recommendation="defavorable",
                    proposed_amount="")
    standing = standing_of(world.dossier)
    mean = (first.weighted_score + second.weighted_score) / 2
    assert (standing.reviews, standing.scored, standing.score) == (2, 2, mean)
    assert standing.recommendations == {"favorable": 1, "defavorable": 1} and standing.revision == 2


def test_editing_a_submitted_review_updates_the_figures(client, world):
    review = submit(client, world, world.reviewers[0])
    before = standing_of(world.dossier)
    revision, score = before.revision, before.score
    client.post(f"/relectures/dossiers/{world.dossier.id}",
                data={**GOOD, "score_viabilite": "5", "action": "submit", "version": str(review.lock_version)})
    after = standing_of(world.dossier)
    assert after.score == Decimal("86.6667") != score and after.revision == revision + 1


def test_two_reviews_of_one_dossier_submitted_at_once_count_each_other(app, committed):
    call = factories.make_open_call()
    dossier = _submitted(call)
    reviewers = [factories.make_user(roles=("reviewer",), call=call, totp=True) for _ in range(2)]
    db.session.commit()
    dossier_id, reviewer_ids = dossier.id, [reviewer.id for reviewer in reviewers]
    db.session.rollback()
    barrier, errors = threading.Barrier(2, timeout=30), []

    def attempt(reviewer_id, score):
        with app.app_context():
            try:
                barrier.wait()
                operations.save_review(db.session.get(Dossier, dossier_id), db.session.get(User, reviewer_id), None,
                                       _scored(score), submitting=True, expected_version=None, now=utcnow())
                db.session.commit()
            except Exception as error:  # noqa: BLE001 — reported below, with its thread
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=args) for args in zip(reviewer_ids, ("1", "5"), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    standing = db.session.get(ReviewStanding, dossier_id)
    assert (standing.reviews, standing.scored, standing.divergent) == (2, 2, True)
    assert standing.revision == 2


def _submitted(call):
    holder = factories.make_user()
    dossier = factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
    engine.apply_transition(dossier.id, "submit", holder)
    return dossier


def _scored(value: str) -> operations.ReviewInput:
    keys = ("utilite_sociale", "ancrage_territorial", "gouvernance", "viabilite")
    return operations.ReviewInput(scores={**{key: Decimal(value) for key in keys}, "cooperation": "n/a",
                                          "emplois": "n/a"}, committee_comment="",
                                  holder_comment="", recommendation="favorable", proposed_amount=None)


def test_the_ranking_follows_a_submission_at_once(client, world):
    submit(client, world, world.reviewers[0], score_viabilite="0")
    client.login(world.admin)
    dashboard = f"/instruction/appels/{world.call.id}/classement"
    first = client.get(dashboard).page
    assert "<td>1</td>" in first  # one review
    submit(client, world, world.reviewers[1])
    client.login(world.admin)
    second = client.get(dashboard).page
    assert "<td>2</td>" in second and first != second
    habits = client.get(f"{dashboard}/relecteurs").page
    assert "Relectrice0" in habits and "Relectrice1" in habits


def test_a_dossier_moved_to_another_strand_moves_in_the_ranking(client, world):
    strand = Strand(call_id=world.call.id, name="Coopération", position=0)
    db.session.add(strand)
    db.session.commit()
    client.login(world.admin)
    dashboard = f"/instruction/appels/{world.call.id}/classement"
    assert "Sans volet (1 dossier)" in client.get(dashboard).page
    world.dossier.strand_id = strand.id
    db.session.commit()
    moved = client.get(dashboard).page
    assert "Coopération (1 dossier)" in moved and "Sans volet" not in moved


def test_a_rebuild_gives_what_the_submissions_kept(client, world):
    submit(client, world, world.reviewers[0])
    submit(client, world, world.reviewers[1], score_gouvernance="1", recommendation="reserve")
    kept = standing_of(world.dossier)
    columns = ("reviews", "scored", "score", "lowest", "highest", "divergent", "recommendations", "mean_proposed")
    before = {name: getattr(kept, name) for name in columns}
    assert rebuild_standings(world.call.id, utcnow()) == 1
    db.session.commit()
    rebuilt = standing_of(world.dossier)
    assert {name: getattr(rebuilt, name) for name in columns} == before and rebuilt.revision == kept.revision + 1
