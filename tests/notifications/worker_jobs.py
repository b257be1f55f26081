"""A job for the worker tests, importable by a worker process started from the project's root."""


def app_was_built_before_the_job() -> bool:
    """True when the process running the job already held the app (built once by its worker, not per job)."""
    from aap.core import jobs

    return jobs._bound_app is not None


def take_a_few_seconds(seconds: float) -> bool:
    """A job still running when the test stops Redis, so that RQ's record of its end is lost."""
    import time

    time.sleep(seconds)
    return True
