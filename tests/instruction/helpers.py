"""A submitted dossier on a call with a checklist, its holder and an instructor."""
from dataclasses import dataclass

from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.instruction import checklist
from aap.workflow import engine
from tests import factories

ITEMS = ["La structure relève de l'ESS", "Le siège est sur le territoire", "Le budget est équilibré"]


@dataclass
class World:
    dossier: Dossier
    holder: object
    instructor: object


def submitted(workflow="plaine-commune", items=ITEMS, steps=(("submit", None),)) -> World:
    call = factories.make_open_call(workflow, eligibility_checklist=list(items))
    holder = factories.make_user(full_name="Camille Porteur")
    instructor = factories.make_user(full_name="Inès Tructrice", roles=("instructor",), totp=True)
    organisation = factories.make_organisation(members=[holder])
    dossier = factories.make_dossier(call, organisation, holder)
    for name, actor in steps:
        engine.apply_transition(dossier.id, name, instructor if actor == "instructor" else holder)
    db.session.commit()
    return World(dossier, holder, instructor)


def version_of(dossier) -> str:
    return checklist.fingerprint(checklist.ticks_of(dossier))


def tick(client, dossier, items, version=None):
    data = {"eligibility-ticked": list(items), "eligibility-version": version or version_of(dossier)}
    return client.post(f"/dossiers/{dossier.id}/recevabilite", data=data)


def act(client, dossier, name, **fields):
    data = {f"{name}-{key}": value for key, value in fields.items()}
    data.setdefault(f"{name}-version", str(dossier.lock_version))
    return client.post(f"/dossiers/{dossier.id}/actions/{name}", data=data, content_type="multipart/form-data")
