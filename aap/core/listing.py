"""A list page's order and page number, read from its query string: ?tri=<column>&ordre=asc|desc&page=N."""
from aap.core.inputs import database_int


def requested_sort(args, choices, default: str, descending: bool) -> tuple[str, bool]:
    """The column asked for if it is one of `choices` (else `default`), and whether it runs downwards."""
    sort = args.get("tri") if args.get("tri") in choices else default
    return sort, args["ordre"] == "desc" if "ordre" in args else descending


def requested_page(args) -> int:
    """The page asked for; a number that is not a page (0, -3, « abc », 2^63) shows the first one."""
    return args.get("page", 1, type=database_int)
