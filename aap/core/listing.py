"""A list page's order and page number, read from its query string: ?tri=<column>&ordre=asc|desc&page=N."""
from dataclasses import dataclass
from math import ceil

from flask_babel import gettext as _

from aap.core.inputs import database_int
from aap.extensions import db


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
    #: the count stopped at `total`: there are more rows (« plus de N »)
    more: bool = False

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or self.more

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


def counted_page(query, key, asked: int, per_page: int) -> RowsPage:
    """A page of `query` and its exact count, counted on `key` alone (no wide column read for the count).

    Past the last page the page is empty, as Flask-SQLAlchemy's pages are.
    """
    total = db.session.execute(db.select(db.func.count()).select_from(
        query.with_only_columns(key).order_by(None).subquery())).scalar_one()
    rows = db.session.execute(query.limit(per_page).offset((asked - 1) * per_page)).unique().scalars().all()
    return RowsPage(items=rows, total=total, page=asked, pages=max(1, ceil(total / per_page)), asked=asked)


def capped_page(query, key, asked: int, per_page: int, cap: int = 1000) -> RowsPage:
    """A page of `query` whose count stops after max(cap, the rows up to this page): never a second full scan.

    `key` is the column counted (the primary key), so that the count reads no wide column.
    """
    bound = max(cap, asked * per_page)
    counted = db.session.execute(db.select(db.func.count()).select_from(
        query.with_only_columns(key).order_by(None).limit(bound + 1).subquery())).scalar_one()
    total, more = min(counted, bound), counted > bound
    pages = max(1, ceil(total / per_page))
    page = min(asked, pages)
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return RowsPage(items=rows, total=total, page=page, pages=pages, asked=asked, more=more)


def past_the_end(page: RowsPage) -> str | None:
    """The French notice shown when the address asked for a page after the last one."""
    if page.asked <= page.page:
        return None
    return _("La page %(asked)d n'existe pas : voici la dernière, la page %(last)d.", asked=page.asked, last=page.page)
