"""Why a send failed, and whether trying again later can help."""
import smtplib

import email_validator
import jinja2

from aap.mail.rendering import RecipientGone

#: seconds to wait before each new attempt; once they are used up the failure is permanent
BACKOFF = (60, 300, 1800, 7200)
MAX_ATTEMPTS = len(BACKOFF) + 1


class InvalidAddress(ValueError):
    pass


def check_address(address: str) -> None:
    try:
        email_validator.validate_email(address, check_deliverability=False)
    except email_validator.EmailNotValidError as error:
        raise InvalidAddress(f"adresse de destination invalide « {address} » : {error}") from None


def classify(error: Exception) -> tuple[bool, str]:
    """(permanent, reason in French) for an exception raised while rendering or sending."""
    if isinstance(error, InvalidAddress):
        return True, str(error)
    if isinstance(error, RecipientGone):
        return True, f"Destinataire : {error}"
    if isinstance(error, (jinja2.TemplateError, ValueError, KeyError, TypeError, AttributeError)):
        return True, f"Erreur de modèle de courriel ({type(error).__name__}) : {error}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        details = "; ".join(f"{address} : {code} {_text(message)}" for address, (code, message)
                            in error.recipients.items())
        return all(code >= 500 for code in codes), f"Destinataire refusé par le serveur SMTP ({details})"
    if isinstance(error, smtplib.SMTPResponseException):
        return (error.smtp_code >= 500,
                f"Le serveur SMTP a refusé le message : {error.smtp_code} {_text(error.smtp_error)}")
    if isinstance(error, OSError):  # connection refused, timeout, disconnection (smtplib errors included)
        return False, f"Serveur SMTP injoignable ({type(error).__name__}) : {error}"
    return False, f"Erreur inattendue ({type(error).__name__}) : {error}"


def _text(message) -> str:
    return message.decode(errors="replace") if isinstance(message, bytes) else str(message)
