"""Attempts started at the same instant in real threads, each on its own connection and transaction."""
import threading

from sqlalchemy.exc import OperationalError

from aap.extensions import db

APPLIED = "applied"


def at_once(app, attempts, refusals: tuple[type[Exception], ...], timeout: int = 120) -> list[str]:
    """Run each attempt in its own thread, released together; each gives APPLIED (committed) or why it was refused.

    A refusal's words are its `message`; SQLite's single writer refuses the loser of a race as "locked: …".
    """
    barrier, results, lock = threading.Barrier(len(attempts), timeout=timeout), [], threading.Lock()

    def run(attempt):
        with app.app_context():
            barrier.wait()
            try:
                attempt()
                db.session.commit()
                outcome = APPLIED
            except refusals as refused:
                db.session.rollback()
                outcome = getattr(refused, "message", str(refused))
            except OperationalError as error:
                db.session.rollback()
                outcome = f"locked: {error.orig}"
            finally:
                db.session.remove()
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout + 60)
    assert len(results) == len(attempts), "a thread did not finish"
    return results
