"""Absolute links for mails and the command line, which have no request to take the host from."""
from flask import current_app


def external_url(endpoint: str, **values) -> str:
    return current_app.config["PUBLIC_URL"] + current_app.url_map.bind("").build(endpoint, values)
