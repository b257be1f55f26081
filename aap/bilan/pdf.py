"""The PDF of a bilan: A4, in French, made from a snapshot and the two texts alone, whoever asks for it.

Each section is laid out on its own (WeasyPrint), so that the job says how far it got, then the pages are joined.
A section starts its page numbers where the previous one ended. Nothing is ever fetched: the templates escape
every value, the Markdown keeps no raw HTML, and any address a text names is refused.
"""
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from flask_babel import force_locale

from aap.bilan import pdf_values
from aap.core.markdown import render_markdown
from aap.core.pdf import refuse_fetch

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PrintedVersion:
    """What the pages say of a published version, read once so that no database is needed while they are laid out."""

    number: int
    published_at: datetime
    correction_note: str

    @classmethod
    def of(cls, version) -> "PrintedVersion":
        return cls(version.number, version.published_at, version.correction_note)


@dataclass(frozen=True)
class Section:
    key: str
    template: str


def sections(snapshot: dict, introduction: str, commentary: str) -> list[Section]:
    """What this bilan prints, in order: an empty text or an edition without history leaves its section out."""
    wanted = [("cover", True), ("introduction", bool(introduction.strip())), ("key_figures", True),
              ("funnel", True), ("splits", True), ("instruments", True),
              ("trends", bool(snapshot.get("trends")) or bool(snapshot["paths"]["several_times"])),
              ("supported", True), ("commentary", bool(commentary.strip()))]
    return [Section(key, f"bilan/pdf/{key}.html") for key, present in wanted if present]


def section_count(snapshot: dict, introduction: str, commentary: str) -> int:
    return len(sections(snapshot, introduction, commentary))


def bilan_pdf_bytes(snapshot: dict, introduction: str, commentary: str, version=None,
                    progress: Progress | None = None) -> bytes:
    """The bilan as a PDF; `version` None prints a preview; `progress(done, total)` hears of each section laid out."""
    planned = sections(snapshot, introduction, commentary)
    report = progress or (lambda done, total: None)
    report(0, len(planned))
    documents, next_page = [], 1
    with force_locale("fr"):
        context = _context(snapshot, introduction, commentary, version)
        for done, section in enumerate(planned, start=1):
            html = render_template(section.template, first_page=next_page, **context)
            document = render_document(html)
            documents.append(document)
            next_page += len(document.pages)
            report(done, len(planned))
    return joined(documents)


def _context(snapshot: dict, introduction: str, commentary: str, version) -> dict:
    return {"s": snapshot, "call": snapshot["call"], "version": version, "v": pdf_values,
            "introduction": render_markdown(introduction), "commentary": render_markdown(commentary)}


def render_document(html: str):
    from weasyprint import HTML  # loading it costs half a second: only when a bilan is printed

    return HTML(string=html, base_url=None, url_fetcher=refuse_fetch).render()


def joined(documents) -> bytes:
    """One PDF of every section's pages, with the cover's title, author and language."""
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


def file_name(snapshot: dict, version=None) -> str:
    """« bilan-2021-appel-a-projets-ess-15e-edition-v2.pdf »: plain ASCII, whatever the title holds."""
    call = snapshot["call"]
    words = unicodedata.normalize("NFKD", call["title"]).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", words).strip("-")[:80].rstrip("-") or "appel"
    suffix = f"v{version.number}" if version is not None else "apercu"
    return f"bilan-{call['year']}-{slug}-{suffix}.pdf"
