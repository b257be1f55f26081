"""The forms of the import of past editions: the file sent for a preview, then the confirmation of that very file."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField
from wtforms.validators import InputRequired, Length, Regexp

from aap.core.inputs import Form
from aap.workflow import schema
from aap.workflow.operations import workflows_folder


def workflow_choices() -> list[tuple[str, str]]:
    workflows, _errors = schema.load_directory(workflows_folder())
    return [(name, workflow.label) for name, workflow in sorted(workflows.items())]


class UploadForm(Form):
    file = FileField(_l("Fichier des éditions passées"),
                     description=_l("CSV en UTF-8 (séparé par des points-virgules ou des virgules) ou XLSX, 5 Mo et "
                                    "5 000 dossiers au plus, selon le modèle."),
                     validators=[FileRequired(_l("Choisissez le fichier à importer."))])
    workflow = SelectField(_l("Cycle de traitement des éditions importées"),
                           description=_l("Les dossiers importés sont placés à l'étape finale de ce cycle qui "
                                          "correspond à leur issue (soldé, refusé, irrecevable…)."))


class ConfirmForm(Form):
    """What the preview showed: the file is found again by its SHA-256, never by a name or a path from the form."""
    sha256 = HiddenField(validators=[Regexp(r"^[0-9a-f]{64}$")])
    file_name = HiddenField(validators=[Length(max=200)])
    workflow = HiddenField(validators=[InputRequired(), Length(max=80)])
