"""Forms of committee sessions: the session itself (dates typed in Paris time, members from the pools), attendance."""
from datetime import datetime, time, timezone
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, RadioField, StringField, TimeField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from aap.auth.forms import REQUIRED
from aap.committee.models import ATTENDANCE
from aap.core.fields import MultiCheckboxField
from aap.core.formatting import PARIS
from aap.core.inputs import Form

DAY_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
PLACE_OR_LINK = _l("Indiquez un lieu, un lien de visioconférence, ou les deux.")
NOT_IN_PARIS = _l("Cette heure n'existe pas à Paris ce jour-là (passage à l'heure d'été) : choisissez-en une autre.")


def paris_moment(day, moment: time | None) -> datetime | None:
    """A date and time typed in Europe/Paris as an aware UTC datetime; None for a time skipped by the clocks."""
    if day is None or moment is None:
        return None
    local = datetime.combine(day, moment).replace(tzinfo=PARIS)
    utc = local.astimezone(timezone.utc)
    return utc if utc.astimezone(PARIS).replace(tzinfo=None) == local.replace(tzinfo=None) else None


class SessionForm(Form):
    title = StringField(_l("Titre de la séance"), validators=[DataRequired(REQUIRED), Length(max=200)],
                        description=_l("Par exemple « Comité de projets du 12 mars »."))
    starts_on = DateField(_l("Date de la séance"), format=DAY_FORMATS, validators=[DataRequired(REQUIRED)])
    starts_time = TimeField(_l("Heure de début (heure de Paris)"), validators=[DataRequired(REQUIRED)])
    ends_on = DateField(_l("Date de fin"), format=DAY_FORMATS, validators=[Optional()],
                        description=_l("Laissez vide si la séance finit le jour où elle commence."))
    ends_time = TimeField(_l("Heure de fin (heure de Paris)"), validators=[DataRequired(REQUIRED)])
    place = StringField(_l("Lieu"), validators=[Optional(), Length(max=300)],
                        description=_l("Adresse et salle. Indiquez un lieu, un lien de visioconférence, ou les deux."))
    video_url = StringField(_l("Lien de visioconférence"), validators=[Optional(), Length(max=500)],
                            description=_l("Une adresse qui commence par https://"))
    quorum = IntegerField(_l("Quorum (membres présents, en salle ou à distance)"), validators=[Optional()],
                          description=_l("Laissez vide pour la règle habituelle : la moitié des membres plus un."))
    members = MultiCheckboxField(_l("Membres convoqués"), coerce=int, validate_choice=False)
    confirm_resend = BooleanField(_l("Je confirme : la convocation mise à jour repart à chaque membre"))

    def __init__(self, *args, candidates=(), resend_needed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        self.members.choices = [(candidate.user_id, candidate.name) for candidate in self.candidates]
        #: function(form) → whether saving re-sends the convocation, asked once the dates and places are valid
        self.resend_needed = resend_needed

    def validate_starts_time(self, field):
        if self.starts_on.data and field.data and self.starts_at is None:
            raise ValidationError(NOT_IN_PARIS)

    def validate_ends_time(self, field):
        if not (self.starts_on.data and field.data):
            return
        if self.ends_at is None:
            raise ValidationError(NOT_IN_PARIS)
        if self.starts_at is not None and self.ends_at <= self.starts_at:
            raise ValidationError(_l("La fin doit venir après le début de la séance."))

    def validate(self, extra_validators=None) -> bool:
        """The place or the link is asked after the fields' own checks: an empty optional field stops its own."""
        valid = super().validate(extra_validators)
        if self._where_missing():
            self.place.errors = [*self.place.errors, PLACE_OR_LINK]
            return False
        return valid

    def _where_missing(self) -> bool:
        return not (self.place.data or "").strip() and not (self.video_url.data or "").strip()

    def validate_video_url(self, field):
        link = (field.data or "").strip()
        if link and (urlsplit(link).scheme != "https" or not urlsplit(link).hostname or " " in link):
            raise ValidationError(_l("Le lien de visioconférence doit être une adresse https://, par exemple "
                                     "https://visio.exemple.fr/comite."))

    def validate_members(self, field):
        chosen = set(field.data or ())
        if not chosen:
            raise ValidationError(_l("Choisissez au moins un membre."))
        if chosen - {candidate.user_id for candidate in self.candidates}:
            raise ValidationError(_l("Choisissez les membres parmi les relecteur·rices des viviers de l'appel."))

    def validate_quorum(self, field):
        members = len(set(self.members.data or ()))
        if field.data is not None and not 1 <= field.data <= max(members, 1):
            raise ValidationError(_l("Le quorum doit être compris entre 1 et %(num)d, le nombre de membres "
                                     "convoqués.", num=max(members, 1)))

    def validate_confirm_resend(self, field):
        if not field.data and self.resend_needed is not None and not self._errors_before_confirmation() \
                and self.resend_needed(self):
            raise ValidationError(_l("La date, le lieu ou le lien change : cochez cette case pour renvoyer la "
                                     "convocation mise à jour à chaque membre, puis enregistrez."))

    def _errors_before_confirmation(self) -> bool:
        return self._where_missing() or any(field.errors for name, field in self._fields.items()
                                            if name != "confirm_resend")

    @property
    def starts_at(self) -> datetime | None:
        return paris_moment(self.starts_on.data, self.starts_time.data)

    @property
    def ends_at(self) -> datetime | None:
        return paris_moment(self.ends_on.data or self.starts_on.data, self.ends_time.data)


def attendance_form(members, formdata=None):
    """One choice per member, keyed by their seat; a member left unrecorded stays so."""
    choices = [("", _l("Non renseignée")), *ATTENDANCE.items()]
    fields = {f"seat_{row.member.id}": RadioField(row.user.display_name, choices=choices,
                                                  default=row.member.attendance or "")
              for row in members}
    form_class = type("AttendanceForm", (Form,), fields)
    return form_class(formdata=formdata)
