"""A member's preparation pack: the agenda, then each dossier as their rights show it, rendered as one PDF.

Each dossier is laid out on its own (WeasyPrint), so that the job reports its progress dossier by dossier, and
the pages are joined at the end. A dossier the reader is recused for keeps its place with the recusal alone.
"""
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from aap.committee.agenda_queries import AgendaLine
from aap.committee.models import CommitteeSession
from aap.core.models import utcnow
from aap.core.pdf import refuse_fetch
from aap.dossiers.access import access, piece_withheld
from aap.dossiers.models import Dossier
from aap.dossiers.reading import build, current_source
from aap.dossiers.reviewers import RECUSED
from aap.extensions import db
from aap.review.aggregates import RECOMMENDATIONS
from aap.review.group_names import group_label
from aap.review.models import SUBMITTED
from aap.review.queries import dossier_reviews, groups_of
from aap.review.scoring import shown

#: the most pages one pack may hold: a bound on the worker's memory, said in French when it is reached
MAX_PAGES = 3000


@dataclass(frozen=True)
class PackPart:
    line: AgendaLine
    html: str


def reader_reading(user, dossier):
    withheld = lambda kind: piece_withheld(user, dossier, kind)  # noqa: E731
    rights = access(user, dossier)
    return rights, build(current_source(dossier), rights.identity_hidden, withheld, None)


def part_html(session: CommitteeSession, user, line: AgendaLine) -> str:
    """One dossier of the pack as its reader may see it."""
    if line.recused:
        return render_template("committee/pack_dossier.html", session=session, line=line, recused=RECUSED)
    dossier = db.session.get(Dossier, line.dossier_id)
    rights, reading = reader_reading(user, dossier)
    if rights.recused or not rights.view:
        return render_template("committee/pack_dossier.html", session=session, line=line, recused=RECUSED)
    reviews = [review for review in dossier_reviews(dossier) if review.state == SUBMITTED] if rights.reviews else []
    groups = groups_of(dossier.call_id, (review.user_id for review in reviews))
    return render_template("committee/pack_dossier.html", session=session, line=line, reading=reading,
                           rights=rights, reviews=reviews, groups=groups, group_label=group_label, shown=shown,
                           recommendations={key: label.translated(_) for key, label in RECOMMENDATIONS.items()})


def cover_html(session: CommitteeSession, user, lines: list[AgendaLine]) -> str:
    return render_template("committee/pack_cover.html", session=session, reader=user, lines=lines, now=utcnow(),
                           recused=RECUSED)


def render_document(html: str):
    from weasyprint import HTML  # loading it costs half a second: only when a pack is built

    return HTML(string=html, base_url=None, url_fetcher=refuse_fetch).render()


def joined_pdf(documents) -> bytes:
    pages = [page for document in documents for page in document.pages]
    if len(pages) > MAX_PAGES:
        raise ValueError(f"{len(pages)} pages")
    return documents[0].copy(pages).write_pdf()


def in_locale(user, build_html):
    with force_locale(user.locale or "fr"):
        return build_html()
