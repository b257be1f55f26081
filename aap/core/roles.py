"""Every role a person may hold, named once: which are global, which are granted per call, who is staff."""
from flask_babel import lazy_gettext as _l

HOLDER = "holder"
ADMIN = "admin"
INSTRUCTOR = "instructor"
REVIEWER = "reviewer"
COMMITTEE = "committee"
FUNDER = "funder"

#: granted for every call (a grant without a call)
GLOBAL_ROLES = (ADMIN, INSTRUCTOR)
#: granted on one call
CALL_ROLES = (REVIEWER, COMMITTEE, FUNDER)
GRANTABLE_ROLES = GLOBAL_ROLES + CALL_ROLES
#: the authority's own people: they run the instruction and talk with the holders
STAFF_ROLES = frozenset(GLOBAL_ROLES)
#: roles that see other people's data, and so must use two-factor authentication
TWO_FACTOR_ROLES = frozenset(GRANTABLE_ROLES)
#: the roles a workflow file may name
WORKFLOW_ROLES = (HOLDER, INSTRUCTOR, REVIEWER, COMMITTEE, ADMIN, FUNDER)

ROLE_LABELS = {
    ADMIN: _l("Administrateur·rice"),
    INSTRUCTOR: _l("Instructeur·rice"),
    REVIEWER: _l("Relecteur·rice (sur un appel)"),
    COMMITTEE: _l("Membre du comité (sur un appel)"),
    FUNDER: _l("Financeur (sur un appel)"),
}

#: the groups of people a workflow's `notify` effect or a bulk message may address, by the role they hold
RECIPIENT_ROLES = {"instructors": INSTRUCTOR, "admins": ADMIN, "reviewers": REVIEWER, "committee": COMMITTEE,
                   "funders": FUNDER}
