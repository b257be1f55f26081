"""The same review saved from two tabs at once: one save wins, the other is refused whole."""
import threading

from aap.auth.models import User
from aap.core.models import utcnow
from aap.dossiers.models import Dossier
from aap.dossiers.reviewers import Assignment
from aap.extensions import db
from aap.review import operations
from aap.review.models import Review
from aap.workflow import engine
from tests import factories


def draft(comment: str) -> operations.ReviewInput:
    return operations.ReviewInput(scores={"utilite_sociale": "4"}, committee_comment=comment, holder_comment="",
                                  recommendation=None, proposed_amount=None)


def test_two_simultaneous_saves_of_one_review_one_wins_the_other_is_stale(app, committed):
    call = factories.make_open_call()
    holder = factories.make_user()
    dossier = factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
    engine.apply_transition(dossier.id, "submit", holder)
    reviewer = factories.make_user(roles=("reviewer",), call=call, totp=True)
    db.session.add(Assignment(dossier_id=dossier.id, user_id=reviewer.id))
    db.session.commit()
    operations.save_review(dossier, reviewer, None, draft("premier"), submitting=False, expected_version=None,
                           now=utcnow())
    db.session.commit()
    review_id, dossier_id, reviewer_id = (db.session.execute(db.select(Review.id)).scalar_one(), dossier.id,
                                          reviewer.id)
    db.session.rollback()
    barrier, results, lock = threading.Barrier(2, timeout=30), [], threading.Lock()

    def attempt(comment):
        with app.app_context():
            barrier.wait()
            try:
                review = db.session.get(Review, review_id)
                operations.save_review(db.session.get(Dossier, dossier_id), db.session.get(User, reviewer_id),
                                       review, draft(comment), submitting=False, expected_version=1, now=utcnow())
                db.session.commit()
                outcome = "saved", comment
            except operations.StaleReview as refusal:
                db.session.rollback()
                outcome = "stale", str(refusal)
            finally:
                db.session.remove()
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(comment,)) for comment in ("onglet A", "onglet B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(kind for kind, _ in results) == ["saved", "stale"]
    winner = next(comment for kind, comment in results if kind == "saved")
    assert next(text for kind, text in results if kind == "stale").startswith("Cette relecture a été enregistrée ailleurs")
    db.session.expire_all()
    stored = db.session.get(Review, review_id)
    assert stored.committee_comment == winner and stored.lock_version == 2
