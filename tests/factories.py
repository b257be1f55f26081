"""Objects for tests, written through the same operations as the app where there is one."""
import itertools
from datetime import date
from decimal import Decimal
from functools import cache

import pyotp

from aap.auth.models import User
from aap.auth.operations import grant_role
from aap.auth.passwords import hash_password
from aap.calls.models import Call
from aap.core.models import utcnow
from aap.extensions import db
from aap.organisations.models import Membership, Organisation

PASSWORD = "Correct-Cheval-Batterie-42"
_counter = itertools.count(1)


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


def make_user(email=None, roles=(), call=None, verified=True, totp=False, **fields) -> User:
    user = User(email=email or f"personne{next(_counter)}@example.org", password_hash=_password_hash(),
                email_verified_at=utcnow() if verified else None, **fields)
    db.session.add(user)
    for role in roles:
        grant_role(user, role, call.id if role in ("reviewer", "committee", "funder") else None)
    if totp:
        user.totp_secret, user.totp_enabled_at = pyotp.random_base32(), utcnow()
    db.session.commit()
    return user


def make_call(**fields) -> Call:
    call = Call(title=fields.pop("title", "Appel à projets ESS"), year=fields.pop("year", 2026),
                state=fields.pop("state", "published"), **fields)
    db.session.add(call)
    db.session.commit()
    return call


def make_organisation(members=(), **fields) -> Organisation:
    values = dict(name=f"Association {next(_counter)}", legal_form="association", siret="73282932000074",
                  rna=None, address="1 place de la Mairie", commune_insee="93066", in_qpv=False,
                  creation_date=date(2010, 1, 1), paid_staff_fte=Decimal("1.5"), volunteers=10)
    values.update(fields)
    organisation = Organisation(**values)
    for member in members:
        organisation.memberships.append(Membership(user_id=member.id))
    db.session.add(organisation)
    db.session.commit()
    return organisation


def make_open_call(workflow: str = "plaine-commune", **fields) -> Call:
    """A published call whose workflow version is pinned, open for a week on each side of now."""
    from datetime import timedelta

    from aap.calls.operations import open_call

    now = utcnow()
    call = Call(title=fields.pop("title", "Appel à projets ESS"), year=fields.pop("year", 2026),
                workflow_name=workflow, opens_at=fields.pop("opens_at", now - timedelta(days=7)),
                closes_at=fields.pop("closes_at", now + timedelta(days=7)), **fields)
    db.session.add(call)
    open_call(call)
    db.session.commit()
    return call


def make_dossier(call: Call, organisation: Organisation, holder: User, complete: bool = True, **fields):
    from aap.dossiers.operations import start_dossier

    if complete:
        fields = {"title": "Épicerie solidaire", "summary": "Une épicerie pour le quartier.",
                  "requested_amount": Decimal("12000"), **fields}
    dossier = start_dossier(call, organisation, holder, **fields)
    db.session.commit()
    return dossier


def with_cerfa_form(call: Call) -> Call:
    from aap.calls.operations import save_form
    from aap.questionnaire.definition import default_source

    save_form(call, default_source())
    db.session.commit()
    return call
