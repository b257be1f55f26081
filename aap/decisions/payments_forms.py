"""Forms of the payments: a tranche marked paid, and a decision's schedule edited line by line."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import DateField, FieldList, FormField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from aap.auth.forms import REQUIRED
from aap.core.inputs import FiniteDecimalField, Form, SubForm
from aap.decisions.grant_models import TRIGGERS
from aap.decisions.payments_operations import MAX_REFERENCE, PaymentInput
from aap.decisions.payments_plan import PlannedTranche
from aap.decisions.payments_schedule import MAX_LABEL, MAX_TRANCHES

DAY_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
NOT_A_DAY = _l("Saisissez une date, par exemple 02/04/2026.")


class PaymentForm(Form):
    paid_on = DateField(_l("Date du versement"), format=DAY_FORMATS, validators=[DataRequired(NOT_A_DAY)],
                        description=_l("Le jour où le virement a été fait, au plus tard aujourd'hui."))
    reference = StringField(_l("Référence du versement"), validators=[DataRequired(REQUIRED),
                                                                      Length(max=MAX_REFERENCE)],
                            description=_l("Le numéro du mandat ou du bordereau dans le logiciel financier."))

    def typed(self) -> PaymentInput:
        return PaymentInput(self.paid_on.data, self.reference.data or "")


class ShareField(FiniteDecimalField):
    """A percentage as a French reader types it: 33,33 as well as 33.33."""

    def process_formdata(self, valuelist):
        super().process_formdata([value.replace(",", ".") for value in valuelist or ()])


class ScheduleLineForm(SubForm):
    label = StringField(_l("Nom de la tranche"), validators=[Optional(), Length(max=MAX_LABEL)])
    share_percent = ShareField(_l("Part (%)"), places=2, validators=[Optional()],
                                       render_kw={"inputmode": "decimal"})
    #: checked by the operation, which says which line is wrong
    trigger = SelectField(_l("Versée"), choices=list(TRIGGERS.items()), validate_choice=False)

    def is_blank(self) -> bool:
        return not (self.label.data or "").strip() and self.share_percent.data is None


class ScheduleForm(Form):
    lines = FieldList(FormField(ScheduleLineForm), min_entries=1, max_entries=MAX_TRANCHES)

    def planned(self) -> list[PlannedTranche]:
        """The lines typed, blank ones left out (a line with a share and no name keeps its place to be refused)."""
        return [PlannedTranche((entry.form.label.data or "").strip(),
                               entry.form.share_percent.data if entry.form.share_percent.data is not None
                               else Decimal(0), entry.form.trigger.data)
                for entry in self.lines if not entry.form.is_blank()]
