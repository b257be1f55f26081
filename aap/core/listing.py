"""A list page's order, read from its query string: ?tri=<column>&ordre=asc|desc."""


def requested_sort(args, choices, default: str, descending: bool) -> tuple[str, bool]:
    """The column asked for if it is one of `choices` (else `default`), and whether it runs downwards."""
    sort = args.get("tri") if args.get("tri") in choices else default
    return sort, args["ordre"] == "desc" if "ordre" in args else descending
