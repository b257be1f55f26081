"""Effects: what a transition does besides changing the state. Mail goes through the outbox."""
from pathlib import Path

from aap.core.roles import RECIPIENT_ROLES
from aap.dossiers.notifications import notify_dossier
from aap.workflow.registry import effect

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "emails"
RECIPIENTS = ("holder", *RECIPIENT_ROLES)


def _check_notify(params: dict) -> list[str]:
    problems = []
    if set(params) - {"to", "template"}:
        problems.append("paramètres attendus : to, template")
    if params.get("to") not in RECIPIENTS:
        problems.append(f"destinataire inconnu « {params.get('to')} » (attendu : {', '.join(RECIPIENTS)})")
    template = params.get("template")
    if not template or not all((TEMPLATES / f"{template}.{ext}").is_file() for ext in ("txt", "html")):
        problems.append(f"modèle de notification inconnu « {template} » (templates/emails/{template}.txt et .html)")
    return problems


@effect("notify", check=_check_notify)
def notify(context, to: str, template: str) -> None:
    notify_dossier(context, to, template)
