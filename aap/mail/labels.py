"""What each mail is, in words, for the administrators' mailbox: the domains that send mails name their templates."""
_labels: dict[str, object] = {}
_fallback: dict[str, object] = {}


def name_templates(labels: dict, fallback=None) -> None:
    """Give templates their labels; `fallback` names any template no domain named (a workflow's own)."""
    _labels.update(labels)
    if fallback is not None:
        _fallback["label"] = fallback


def template_label(template: str) -> str:
    label = _labels.get(template) or _fallback.get("label")
    return str(label) if label else template
