from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from aap.core.fields import MultiCheckboxField
from aap.core.inputs import Form
from aap.instruction.models import MAX_NOTE


class ChecklistForm(Form):
    """The call's points as checkboxes; a point the call no longer lists is refused by the operation."""

    ticked = MultiCheckboxField(_l("Points vérifiés"), validate_choice=False)
    version = HiddenField(validators=[Optional(), Length(max=64)])

    def __init__(self, items, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticked.choices = [(item, item) for item in items]


class NoteForm(Form):
    body = TextAreaField(_l("Nouvelle note interne"), render_kw={"rows": 3},
                         description=_l("Visible de l'équipe d'instruction seulement, jamais de la structure. "
                                        "Une note ne se modifie plus une fois enregistrée."),
                         validators=[DataRequired(_l("Écrivez la note avant de l'enregistrer.")),
                                     Length(max=MAX_NOTE, message=_l("La note dépasse 5 000 caractères : "
                                                                     "raccourcissez-la ou partagez-la en deux."))])
    token = HiddenField(validators=[Optional(), Length(max=64)])
