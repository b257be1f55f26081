"""The bank details page of a granted dossier: typed by its holder, masked for staff who do not pay, kept with their
history; a change after a payment is sealed in the audit chain and every member is warned by mail."""
from datetime import date
from decimal import Decimal

import pytest

from aap.decisions.bank_models import BankAccount
from aap.decisions.grant_models import PaymentTranche
from aap.decisions.models import REFUSED
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.mail.models import Mail
from aap.organisations.models import Membership
from aap.workflow import audit
from aap.workflow.models import AuditRecord
from tests import factories
from tests.decisions import payments_world
from tests.decisions.payments_world import BIC, IBAN, OTHER_IBAN, decision_on, give_bank_details

TYPED = {"holder_name": "  Association   Le Lien ", "iban": "fr76 3000 6000 0112 3456 7890 189", "bic": "agri frpp"}


def url(world) -> str:
    return f"/decisions/dossiers/{world.dossier.id}/coordonnees-bancaires"


def accounts(world) -> list[BankAccount]:
    return db.session.execute(db.select(BankAccount).where(BankAccount.organisation_id == world.organisation.id)
                              .order_by(BankAccount.id)).scalars().all()


def test_the_holder_types_them_with_spaces_and_small_letters_and_they_are_kept_normalised(client):
    world = payments_world.world()
    client.login(world.holder)
    answer = client.post(url(world), data=TYPED)
    assert answer.status_code == 302 and answer.location.endswith(url(world))
    account, = accounts(world)
    assert (account.holder_name, account.iban, account.bic) == ("Association Le Lien", IBAN, BIC)
    assert (account.recorded_by_id, account.dossier_id) == (world.holder.id, world.dossier.id)
    page = client.get(url(world)).page
    assert "Les coordonnées bancaires sont enregistrées" in page and "FR76 3000 6000 0112 3456 7890 189" in page


@pytest.mark.parametrize("field, typed, message", [
    ("iban", "FR76 3000 6000 0112 3456 7890 18",
     "Un IBAN France (FR) compte 27 caractères ; celui-ci en a 26."),
    ("iban", "FR77 3000 6000 0112 3456 7890 189", "Les chiffres de contrôle de l'IBAN (77, après FR)"),
    ("iban", "FR06 3000 6000 0112 3456 7890 188", "La clé RIB (88, les deux derniers chiffres) ne correspond pas"),
    ("iban", "FR76/3000/6000", "Un IBAN ne contient que des lettres et des chiffres"),
    ("iban", "", "Saisissez l'IBAN du compte"),
    ("bic", "AGRIFRP", "Un BIC compte 8 ou 11 caractères"),
    ("bic", "AGRI1RPP", "Un BIC s'écrit avec 4 lettres pour la banque"),
    ("holder_name", "   ", "Indiquez le titulaire du compte"),
])
def test_each_bad_input_is_told_on_its_field_and_nothing_is_kept(client, field, typed, message):
    world = payments_world.world()
    client.login(world.holder)
    answer = client.post(url(world), data={**TYPED, field: typed})
    assert answer.status_code == 400 and message in answer.page
    assert 'aria-invalid="true"' in answer.text and f'id="{field}-error"' in answer.text
    assert accounts(world) == []
    kept = {name: value for name, value in TYPED.items() if name != field}
    assert all(f'value="{value}"' in answer.text for value in kept.values())  # what was typed is not lost


def test_two_mistakes_are_both_told_at_once(client):
    world = payments_world.world()
    client.login(world.holder)
    answer = client.post(url(world), data={**TYPED, "iban": "FR77 3000 6000 0112 3456 7890 189", "bic": "AGRIFRP"})
    assert answer.status_code == 400
    assert "Le formulaire contient 2 erreurs" in answer.page and "Un BIC compte 8 ou 11 caractères" in answer.page


def test_the_same_details_again_change_nothing(client):
    world = payments_world.world()
    give_bank_details(world.organisation, world.holder, iban=IBAN, bic=BIC)
    db.session.execute(db.update(BankAccount).values(holder_name="Association Le Lien"))
    db.session.commit()
    client.login(world.holder)
    answer = client.post(url(world), data=TYPED)
    assert answer.status_code == 400 and "Ces coordonnées sont déjà celles enregistrées : rien n'a changé." in answer.page
    assert len(accounts(world)) == 1


def test_a_change_keeps_the_history_and_the_latest_is_current(client):
    world = payments_world.world()
    give_bank_details(world.organisation, world.holder)
    client.login(world.holder)
    assert client.post(url(world), data={**TYPED, "iban": OTHER_IBAN, "bic": "PSSTFRPPPAR"}).status_code == 302
    first, second = accounts(world)
    assert (first.iban, second.iban, second.bic) == (IBAN, OTHER_IBAN, "PSSTFRPPPAR")
    page = client.get(url(world)).page
    assert "Historique des coordonnées" in page
    assert page.index("FR14 2004 1010 0505 0001 3M02 606") < page.index("FR76 3000 6000 0112 3456 7890 189")
    # nothing was paid yet: no security notice, no record in the audit chain
    assert db.session.execute(db.select(Mail).where(Mail.template == "bank_details_changed")).first() is None
    assert not db.session.execute(db.select(AuditRecord).where(AuditRecord.transition == "bank_details_changed")).first()


def paid(world, day=date(2026, 4, 2)) -> PaymentTranche:
    advance = db.session.execute(db.select(PaymentTranche).where(PaymentTranche.decision_id == world.decision.id,
                                                                 PaymentTranche.position == 1)).scalar_one()
    advance.paid_on, advance.payment_reference = day, "M-2026-118"
    db.session.commit()
    return advance


def test_a_change_after_a_payment_is_sealed_in_the_audit_chain_and_every_member_is_warned(client, worker, mailbox):
    world = payments_world.world()
    colleague = factories.make_user(full_name="Bruno Trésorier")
    gone = factories.make_user(active=False)
    db.session.add_all([Membership(organisation_id=world.organisation.id, user_id=person.id)
                        for person in (colleague, gone)])
    db.session.commit()
    give_bank_details(world.organisation, world.holder)
    paid(world)
    count = db.session.get(Dossier, world.dossier.id).audit_count
    client.login(colleague)
    assert client.post(url(world), data={**TYPED, "iban": OTHER_IBAN}).status_code == 302
    dossier = db.session.get(Dossier, world.dossier.id)
    record = db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == dossier.id,
                                                             AuditRecord.sequence == count + 1)).scalar_one()
    assert record.transition == "bank_details_changed" and record.actor_id == colleague.id and record.holder_visible
    assert record.payload["iban_end"] == "2606" and record.payload["previous_iban_end"] == "0189"
    assert OTHER_IBAN not in str(record.payload) and dossier.audit_head == record.hash
    chain = db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == dossier.id)
                               .order_by(AuditRecord.sequence)).scalars().all()
    assert audit.verify_dossier(dossier, chain) == []
    mails = db.session.execute(db.select(Mail).where(Mail.template == "bank_details_changed")).scalars().all()
    assert sorted(mail.to_address for mail in mails) == sorted([world.holder.email, colleague.email])
    worker.drain()
    body = mailbox.text(mailbox.to(world.holder.email)[-1])
    assert "Alerte de sécurité : les coordonnées bancaires de votre structure ont changé" in mailbox.to(world.holder.email)[-1]["Subject"]
    assert "IBAN se terminant par 2606" in body and "se terminant par 0189" in body and "Bruno Trésorier" in body
    assert OTHER_IBAN not in body and "fraude" in body
    staff = factories.make_user(roles=("admin",), totp=True)
    client.login(staff)
    assert "Coordonnées bancaires modifiées après un versement" in client.get(f"/dossiers/{dossier.id}").page


def test_staff_who_do_not_pay_read_only_the_last_four_characters(client):
    world = payments_world.world()
    give_bank_details(world.organisation, world.holder, iban=OTHER_IBAN)
    client.login(world.instructor)
    answer = client.get(url(world))
    assert answer.status_code == 200
    assert "•••• •••• •••• •••• •••• •••2 606" in answer.page and "IBAN masqué, se terminant par 2606" in answer.page
    assert "13M0" not in answer.page and OTHER_IBAN not in answer.page and "Modifier les coordonnées" not in answer.page
    assert client.post(url(world), data=TYPED).status_code == 403
    assert len(accounts(world)) == 1
    client.login(world.admin)  # the authority's payments are the administrators'
    assert "FR14 2004 1010 0505 0001 3M02 606" in client.get(url(world)).page


def test_the_page_exists_only_for_a_dossier_with_a_released_granted_decision(client):
    world = payments_world.world(released_at=None, planned=False)  # staged: the holder knows nothing of it
    client.login(world.holder)
    assert client.get(url(world)).status_code == 404
    assert client.post(url(world), data=TYPED).status_code == 404
    world.decision.outcome, world.decision.released_at = REFUSED, payments_world.RELEASED_AT
    db.session.commit()
    assert client.get(url(world)).status_code == 404
    decision_on(world.dossier, amount="8000")
    assert client.get(url(world)).status_code == 200
    client.login(factories.make_user())  # a holder of another organisation
    assert client.get(url(world)).status_code == 404
    assert client.get("/decisions/dossiers/99999999/coordonnees-bancaires").status_code == 404
    assert accounts(world) == [] and Decimal(world.decision.amount) == Decimal("20000")
