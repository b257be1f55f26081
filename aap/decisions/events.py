"""The events of a grant's life a workflow's transitions may follow (`when:`), fired by this domain's operations."""
from flask_babel import lazy_gettext as _l

DECISION_GRANTED, DECISION_REFUSED, DECISION_POSTPONED = "decision_granted", "decision_refused", "decision_postponed"
AGREEMENT_SIGNED, ADVANCE_PAID = "agreement_signed", "advance_paid"
REPORT_SUBMITTED, REPORT_RETURNED, REPORT_ACCEPTED = "report_submitted", "report_returned", "report_accepted"
GRANT_CLOSED = "grant_closed"

EVENTS = (
    (DECISION_GRANTED, _l("la publication d'une décision d'accord")),
    (DECISION_REFUSED, _l("la publication d'une décision de refus")),
    (DECISION_POSTPONED, _l("la publication d'une décision d'ajournement")),
    (AGREEMENT_SIGNED, _l("l'enregistrement de la convention signée")),
    (ADVANCE_PAID, _l("le versement de l'acompte")),
    (REPORT_SUBMITTED, _l("le dépôt du compte-rendu financier")),
    (REPORT_RETURNED, _l("la demande de reprise du compte-rendu financier")),
    (REPORT_ACCEPTED, _l("l'acceptation du compte-rendu financier")),
    (GRANT_CLOSED, _l("le dernier versement, une fois le compte-rendu accepté")),
)
#: the event a released decision fires, by outcome
DECISION_EVENTS = {"granted": DECISION_GRANTED, "refused": DECISION_REFUSED, "postponed": DECISION_POSTPONED}
