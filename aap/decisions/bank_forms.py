"""The bank details form: each field checked by aap.decisions.bank_checks, so every mistake is told at once."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import ValidationError

from aap.core.inputs import Form
from aap.decisions.bank_checks import BankDetailsRefused, checked_bic, checked_holder_name, checked_iban
from aap.decisions.bank_operations import BankDetails


class BankDetailsForm(Form):
    holder_name = StringField(_l("Titulaire du compte"),
                              description=_l("Le nom du titulaire tel qu'il figure sur le RIB, en général celui de la "
                                             "structure."),
                              render_kw={"autocomplete": "organization"})
    iban = StringField(_l("IBAN"), description=_l("27 caractères pour un compte en France, par exemple FR76 3000 6000 "
                                                  "0112 3456 7890 189. Les espaces sont acceptés."),
                       render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"})
    bic = StringField(_l("BIC (code SWIFT)"), description=_l("8 ou 11 caractères, par exemple AGRIFRPP."),
                      render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"})

    def typed(self) -> BankDetails:
        return BankDetails(self.holder_name.data or "", self.iban.data or "", self.bic.data or "")

    def validate_holder_name(self, field):
        _check(checked_holder_name, field)

    def validate_iban(self, field):
        _check(checked_iban, field)

    def validate_bic(self, field):
        _check(checked_bic, field)

    def refuse(self, refusal: BankDetailsRefused) -> None:
        """Show a refusal of the operation on its field."""
        getattr(self, refusal.field).errors = [*getattr(self, refusal.field).errors, refusal.message]


def _check(check, field) -> None:
    try:
        check(field.data)
    except BankDetailsRefused as refusal:
        raise ValidationError(refusal.message) from None
