"""Markdown written by administrators, rendered without raw HTML and without dangerous links."""
from functools import cache

from markdown_it import MarkdownIt
from markupsafe import Markup


@cache
def _renderer() -> MarkdownIt:
    # "html": False escapes any tag typed in the text; markdown-it refuses javascript: and data: links itself
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def render_markdown(text: str | None) -> Markup:
    return Markup(_renderer().render(text or ""))  # safe: the renderer has raw HTML switched off  # nosec B704
