"""A list page's order and page number, read from its query string: ?tri=<column>&ordre=asc|desc&page=N."""
from dataclasses import dataclass
from math import ceil

from flask_babel import gettext as _

from aap.core.inputs import database_int


def requested_sort(args, choices, default: str, descending: bool) -> tuple[str, bool]:
    """The column asked for if it is one of `choices` (else `default`), and whether it runs downwards."""
    sort = args.get("tri") if args.get("tri") in choices else default
    return sort, args["ordre"] == "desc" if "ordre" in args else descending


def requested_page(args) -> int:
    """The page asked for; a number that is not a page (0, -3, « abc », 2^63) shows the first one."""
    return args.get("page", 1, type=database_int)


@dataclass
class RowsPage:
    items: list
    total: int
    page: int
    pages: int
    #: the page the address asked for, beyond the last one when `page` had to be brought back
    asked: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_of(items: list, asked: int, per_page: int) -> RowsPage:
    """The asked page of a list already in order; past the last page, the last one."""
    pages = max(1, ceil(len(items) / per_page))
    page = min(asked, pages)
    return RowsPage(items=items[(page - 1) * per_page:page * per_page], total=len(items), page=page, pages=pages,
                    asked=asked)


def past_the_end(page: RowsPage) -> str | None:
    """The French notice shown when the address asked for a page after the last one."""
    if page.asked <= page.page:
        return None
    return _("La page %(asked)d n'existe pas : voici la dernière, la page %(last)d.", asked=page.asked, last=page.page)
