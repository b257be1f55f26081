from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import DataRequired, ValidationError

from aap.auth.forms import REQUIRED, email_field
from aap.core.inputs import Form
from aap.core.roles import CALL_ROLES, ROLE_LABELS


class InviteForm(Form):
    email = email_field()
    role = SelectField(_l("Rôle"), choices=list(ROLE_LABELS.items()), validators=[DataRequired(REQUIRED)])
    call_id = SelectField(_l("Appel à projets"), coerce=lambda v: int(v) if v else None,
                          description=_l("Obligatoire pour les rôles attribués sur un appel."))

    def validate_call_id(self, field):
        if self.role.data in CALL_ROLES and not field.data:
            raise ValidationError(_l("Choisissez l'appel à projets sur lequel ce rôle est attribué."))
        if self.role.data not in CALL_ROLES and field.data:
            raise ValidationError(_l("Ce rôle vaut pour tous les appels : ne choisissez pas d'appel."))
