"""Forms of the decisions: one decision, a session's decisions at once, the release, envelopes and co-funders."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from aap.core.inputs import Form
from aap.decisions.instruments import MAX_DESCRIPTION
from aap.decisions.models import INSTRUMENTS, OUTCOMES
from aap.decisions.operations import MAX_MOTIVATION, MAX_REFERENCE

DAY_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
BAD_DAY = _l("Saisissez une date sous la forme JJ/MM/AAAA, par exemple 12/06/2026.")


class DeliberationFields(Form):
    deliberation_reference = StringField(_l("Référence de la délibération"), render_kw={"maxlength": MAX_REFERENCE},
                                         description=_l("Par exemple « DEL-2026-114 » ou « Bureau communautaire du "
                                                        "12 juin 2026, point 7 »."))
    deliberation_date = DateField(_l("Date de la délibération"), format=DAY_FORMATS, validators=[Optional()],
                                  description=_l("JJ/MM/AAAA"))

    def process_errors_in_french(self) -> None:
        if self.deliberation_date.errors:
            self.deliberation_date.errors[:] = [str(BAD_DAY)]


class DecisionForm(DeliberationFields):
    outcome = RadioField(_l("Décision"), choices=list(OUTCOMES.items()), validate_choice=False)
    instrument = SelectField(_l("Instrument"), choices=list(INSTRUMENTS.items()), validate_choice=False)
    amount = StringField(_l("Montant, en euros"), render_kw={"inputmode": "decimal", "size": 12},
                         description=_l("Pour une subvention ou une avance : le montant accordé ; pour une aide en "
                                        "nature : sa valorisation. Au plus le montant demandé."))
    in_kind_description = TextAreaField(_l("Aide en nature : ce qui est apporté"),
                                        render_kw={"maxlength": MAX_DESCRIPTION, "rows": 3})
    shares = StringField(_l("Prise de participation : nombre de parts sociales"),
                         render_kw={"inputmode": "numeric", "size": 8})
    share_value = StringField(_l("Valeur d'une part, en euros"), render_kw={"inputmode": "decimal", "size": 10})
    repayments = TextAreaField(_l("Avance remboursable : échéancier de remboursement"), render_kw={"rows": 4},
                               description=_l("Une échéance par ligne : la date puis le montant, par exemple "
                                              "« 30/06/2028 5 000 ». Les échéances font le montant de l'avance."))
    motivation = TextAreaField(_l("Motif et précisions communiqués au porteur"),
                               render_kw={"maxlength": MAX_MOTIVATION, "rows": 4},
                               description=_l("Obligatoire pour un refus ou un ajournement."))

    def plain(self) -> dict:
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


class ReleaseForm(Form):
    confirm = BooleanField(_l("Je publie ces décisions : chaque porteur est prévenu et reçoit sa lettre de décision"))


class EnvelopeForm(Form):
    #: "call", "strand-<id>" or "funder-<id>"
    target = SelectField(_l("Enveloppe"), validate_choice=False)
    amount = StringField(_l("Nouveau montant, en euros"), render_kw={"inputmode": "decimal", "size": 12})
    reason = TextAreaField(_l("Motif du changement"), render_kw={"maxlength": 2000, "rows": 3},
                           description=_l("Par exemple la délibération qui l'a décidé. Il est conservé."))


class FunderForm(Form):
    name = StringField(_l("Nom du cofinanceur"), render_kw={"maxlength": 200},
                       description=_l("Par exemple « Département de la Seine-Saint-Denis » ou « France Active »."))
    envelope = StringField(_l("Son enveloppe, en euros"), render_kw={"inputmode": "decimal", "size": 12})


class DeciderForm(Form):
    email = StringField(_l("Adresse e-mail de la personne qui décide pour ce financeur"),
                        render_kw={"maxlength": 254, "autocomplete": "off"},
                        description=_l("Elle doit déjà avoir un compte sur la plateforme."))
