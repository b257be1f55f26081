from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from aap.core.exports import csv_stream
from aap.core.listing import requested_page
from aap.core.models import utcnow
from aap.core.permissions import allow, get_or_404, role, signed_in
from aap.core.ratelimit import mail_refusal_message, mail_refused, refusal_answer
from aap.core.urls import external_url
from aap.extensions import db
from aap.organisations import operations
from aap.organisations.communes import commune_name, current_communes
from aap.organisations.forms import LEGAL_FORM_LABELS, InviteMemberForm, OrganisationForm
from aap.organisations.models import Organisation
from aap.organisations.queries import SORTS, exported_organisations, organisations_for

bp = Blueprint("organisations", __name__, url_prefix="/structures")


@bp.app_template_filter("legal_form_label")
def legal_form_label(key: str) -> str:
    return str(LEGAL_FORM_LABELS.get(key, key))


@bp.app_template_filter("commune_name")
def commune_name_filter(code: str) -> str:
    return commune_name(code)


@bp.app_context_processor
def organisation_helpers():
    return {"commune_name": commune_name, "legal_form_label": lambda key: LEGAL_FORM_LABELS.get(key, key),
            "invitation_days": operations.INVITATION_DAYS}


def _list_arguments() -> dict:
    args = request.args
    return {"search": args.get("q", ""), "legal_form": args.get("forme", ""), "commune": args.get("commune", ""),
            "sort": args.get("tri") if args.get("tri") in SORTS else "name", "descending": args.get("ordre") == "desc"}


@bp.get("")
@allow(signed_in)
def index():
    arguments = _list_arguments()
    page = organisations_for(current_user, page=requested_page(request.args), **arguments)
    return render_template("organisations/index.html", page=page, sort=arguments["sort"],
                           descending=arguments["descending"], legal_forms=LEGAL_FORM_LABELS,
                           communes=[(c.insee_code, c.name) for c in current_communes()])


@bp.get("/export.csv")
@allow(role("admin", "instructor"))
def export():
    members, organisations = exported_organisations(current_user, **_list_arguments())
    header = [_("Nom"), _("Forme juridique"), _("SIRET"), _("Numéro RNA"), _("Adresse du siège"), _("Commune"),
              _("Code INSEE"), _("QPV"), _("Date de création"), _("Salarié·es (ETP)"), _("Bénévoles"), _("Membres")]
    return csv_stream("structures.csv", header, _export_rows(organisations, members))


def _export_rows(organisations, members):
    """The rows of the export, as plain values: the labels are translated once, here, for the whole file."""
    legal_forms = {key: str(label) for key, label in LEGAL_FORM_LABELS.items()}
    yes, no = str(_("Oui")), str(_("Non"))
    communes = {code: commune_name(code) for code in {o.commune_insee for o in organisations}}
    return ([o.name, legal_forms.get(o.legal_form, o.legal_form), o.siret, o.rna, o.address, communes[o.commune_insee],
             o.commune_insee, yes if o.in_qpv else no, o.creation_date.strftime("%d/%m/%Y") if o.creation_date else "",
             str(o.paid_staff_fte).replace(".", ","), o.volunteers, ", ".join(members.get(o.id, ()))]
            for o in organisations)


@bp.route("/nouvelle", methods=["GET", "POST"])
@allow(signed_in)
def create():
    form = OrganisationForm()
    if form.validate_on_submit():
        organisation = operations.create_organisation(form.data, current_user)
        db.session.commit()
        flash(_("La structure « %(name)s » est créée.", name=organisation.name), "success")
        return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=None), 400 if form.errors else 200


@bp.get("/<int:organisation_id>")
@allow(signed_in)
def show(organisation_id):
    organisation = get_or_404(Organisation, organisation_id)
    return render_template("organisations/show.html", organisation=organisation, invite_form=InviteMemberForm())


@bp.route("/<int:organisation_id>/modifier", methods=["GET", "POST"])
@allow(signed_in)
def edit(organisation_id):
    organisation = get_or_404(Organisation, organisation_id, "edit")
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        operations.update_organisation(organisation, form.data)
        db.session.commit()
        flash(_("Les informations de la structure sont enregistrées."), "success")
        return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=organisation), \
        400 if form.errors else 200


@bp.post("/<int:organisation_id>/inviter")
@allow(signed_in)
def invite(organisation_id):
    organisation = get_or_404(Organisation, organisation_id, "invite")
    form = InviteMemberForm()
    if form.validate_on_submit():
        refusal = mail_refused(form.email.data, sender=f"user:{current_user.id}")
        if refusal:
            form.email.errors = [*form.email.errors, mail_refusal_message(refusal)]
            return render_template("organisations/show.html", organisation=organisation, invite_form=form), \
                *refusal_answer(refusal)
        operations.invite_member(organisation, form.email.data, current_user,
                                 lambda token: external_url("organisations.join", token=token))
        db.session.commit()
        flash(_("Invitation envoyée à %(email)s. Le lien est valable %(days)d jours.", email=form.email.data,
                days=operations.INVITATION_DAYS), "success")
        return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return render_template("organisations/show.html", organisation=organisation, invite_form=form), 400


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@allow(signed_in)
def join(token):
    invitation = operations.find_invitation(token)
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at < utcnow():
        message = _("Cette invitation n'est plus valable : elle a déjà servi ou a expiré. "
                    "Demandez à un membre de la structure de vous inviter de nouveau.")
        return render_template("auth/token_error.html", message=message, retry_url=None), 400
    if invitation.email != current_user.email:
        message = _("Cette invitation a été envoyée à %(email)s. Connectez-vous avec ce compte, "
                    "ou créez-le, pour l'accepter.", email=invitation.email)
        return render_template("auth/token_error.html", message=message, retry_url=None), 403
    if request.method == "POST":  # CSRFProtect has already checked the form's token
        operations.accept_invitation(invitation, current_user)
        db.session.commit()
        flash(_("Vous êtes maintenant membre de « %(name)s ».", name=invitation.organisation.name), "success")
        return redirect(url_for("organisations.show", organisation_id=invitation.organisation_id))
    return render_template("organisations/join.html", invitation=invitation)
