from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from aap.auth.forms import REQUIRED, email_field
from aap.core.inputs import FiniteDecimalField, Form
from aap.organisations.communes import current_communes
from aap.organisations.identifiers import compact, is_valid_rna, is_valid_siret

LEGAL_FORM_LABELS = {
    "association": _l("Association loi 1901"),
    "scic": _l("SCIC (société coopérative d'intérêt collectif)"),
    "scop": _l("SCOP (société coopérative et participative)"),
    "esus": _l("SA ou SAS agréée ESUS"),
    "mutuelle": _l("Mutuelle"),
    "fondation": _l("Fondation"),
    "autre": _l("Autre"),
}


class OrganisationForm(Form):
    name = StringField(_l("Nom de la structure"), validators=[DataRequired(REQUIRED), Length(max=200)],
                       render_kw={"autocomplete": "organization"})
    legal_form = SelectField(_l("Forme juridique"), choices=[("", _l("— Choisir —"))] + list(LEGAL_FORM_LABELS.items()),
                             validators=[DataRequired(_l("Choisissez la forme juridique."))])
    siret = StringField(_l("SIRET"), filters=[compact], validators=[Optional()],
                        description=_l("14 chiffres, sur l'avis de situation INSEE. Exemple : 732 829 320 00074."),
                        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    rna = StringField(_l("Numéro RNA"), filters=[compact], validators=[Optional()],
                      description=_l("W suivi de 9 chiffres, sur le récépissé de la préfecture. "
                                     "Une association indique au moins le SIRET ou le RNA."))
    address = TextAreaField(_l("Adresse du siège"), validators=[DataRequired(REQUIRED), Length(max=500)],
                            render_kw={"autocomplete": "street-address", "rows": 2})
    commune_insee = SelectField(_l("Commune"), validators=[DataRequired(_l("Choisissez la commune du siège."))])
    in_qpv = BooleanField(_l("Le siège est situé dans un quartier prioritaire de la politique de la ville (QPV)"))
    creation_date = DateField(_l("Date de création"), validators=[Optional()], format=["%Y-%m-%d", "%d/%m/%Y"],
                              description=_l("Format jj/mm/aaaa si votre navigateur ne propose pas de calendrier."))
    paid_staff_fte = FiniteDecimalField(
        _l("Salarié·es en équivalent temps plein (ETP)"), places=2, default=Decimal(0),
        validators=[Optional(), NumberRange(min=0, max=Decimal("99999.99"),
                                            message=_l("Saisissez un nombre entre 0 et 99 999,99."))])
    volunteers = IntegerField(
        _l("Nombre de bénévoles"), default=0,
        validators=[Optional(), NumberRange(min=0, max=1000000,
                                            message=_l("Saisissez un nombre entre 0 et 1 000 000."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune_insee.choices = [("", _l("— Choisir —"))] + [
            (c.insee_code, f"{c.name} ({c.insee_code})") for c in current_communes()]

    def validate_siret(self, field):
        if field.data and not (len(field.data) == 14 and field.data.isdigit()):
            raise ValidationError(_l("Le SIRET compte exactement 14 chiffres."))
        if field.data and not is_valid_siret(field.data):
            raise ValidationError(_l("Ce SIRET n'est pas valide : la clé de contrôle ne correspond pas. "
                                     "Vérifiez les 14 chiffres."))

    def validate_rna(self, field):
        if field.data and not is_valid_rna(field.data):
            raise ValidationError(_l("Le numéro RNA s'écrit W suivi de 9 chiffres, par exemple W931234567."))

    def validate_legal_form(self, field):
        if field.data == "association" and not (self.siret.data or self.rna.data):
            raise ValidationError(_l("Une association doit indiquer son SIRET ou son numéro RNA "
                                     "(au moins l'un des deux)."))


class InviteMemberForm(Form):
    email = email_field(_l("Adresse e-mail de la personne à inviter"))
