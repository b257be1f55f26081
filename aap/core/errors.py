"""Error pages in the site's layout, in the visitor's language."""
from flask import Flask, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

MESSAGES = {
    400: _l("La requête n'a pas pu être comprise."),
    403: _l("Vous n'avez pas accès à cette page."),
    404: _l("Cette page n'existe pas ou vous n'y avez pas accès."),
    405: _l("Cette action n'est pas permise à cette adresse."),
    413: _l("Le fichier envoyé est trop volumineux."),
    429: _l("Trop de requêtes : patientez quelques minutes avant de réessayer."),
    500: _l("Une erreur est survenue de notre côté. Réessayez dans un instant."),
}


def render_error(status: int, message: str | None = None):
    return render_template("core/error.html", status=status,
                           message=message or str(MESSAGES.get(status, MESSAGES[500]))), status


def init_app(app: Flask) -> None:
    for status in MESSAGES:
        app.register_error_handler(status, lambda error, status=status: render_error(status))

    @app.errorhandler(429)
    def too_many_requests(error):
        body, status = render_error(429)
        retry_after = getattr(error, "retry_after", None)
        return body, status, {"Retry-After": str(retry_after)} if retry_after else {}

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _("Le formulaire a expiré ou n'est plus valable. Rechargez la page et recommencez : "
                                   "vos saisies n'ont pas été enregistrées."))
