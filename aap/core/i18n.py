"""Language choice: the user's preference, else the visitor's session, else French."""
from flask import has_request_context, session
from flask_login import current_user

LOCALES = {"fr": "Français", "en": "English"}


def select_locale() -> str:
    if not has_request_context():  # mails and jobs choose their language with force_locale()
        return "fr"
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    chosen = session.get("locale")
    return chosen if chosen in LOCALES else "fr"
