"""YAML loaded with the line of every key and item, so that errors can name their line."""
import re

import yaml


class LocatedDict(dict):
    line: int = 0
    key_lines: dict


class LocatedList(list):
    line: int = 0
    item_lines: list


class LoadError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


_INT = re.compile(r"^[-+]?\d+$")


def _scalar(node: yaml.ScalarNode):
    tag, value = node.tag, node.value
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return value.lower() in ("true", "yes", "on")
    if tag.endswith(":int") and _INT.match(value):
        return int(value)
    if tag.endswith(":float"):
        return float(value)
    return value


def _convert(node):
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result = LocatedDict()
        result.line, result.key_lines = line, {}
        for key_node, value_node in node.value:
            key = _convert(key_node)
            if not isinstance(key, str):
                raise LoadError(key_node.start_mark.line + 1, f"clé non textuelle : {key!r}")
            if key in result:
                raise LoadError(key_node.start_mark.line + 1, f"clé en double : « {key} »")
            result[key] = _convert(value_node)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        result = LocatedList(_convert(item) for item in node.value)
        result.line, result.item_lines = line, [item.start_mark.line + 1 for item in node.value]
        return result
    return _scalar(node)


def load(text: str):
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise LoadError(mark.line + 1 if mark else 1, f"YAML illisible : {error.problem}") from None
    if node is None:
        raise LoadError(1, "le fichier est vide")
    return _convert(node)


def line_of(container, key, default: int = 0) -> int:
    if isinstance(container, LocatedDict):
        return container.key_lines.get(key, container.line)
    if isinstance(container, LocatedList) and isinstance(key, int) and key < len(container.item_lines):
        return container.item_lines[key]
    return getattr(container, "line", default)
