"""A job for the worker tests, importable by a worker process started from the project's root."""


def app_was_built_before_the_job() -> bool:
    """True when the process running the job already held the app (built once by its worker, not per job)."""
    from aap.core import jobs

    return jobs._bound_app is not None
