"""YAML loaded with the line of every key and item, so that errors can name their line."""
import yaml

from aap.core.yamlsafe import SafeLoader, problem_of


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


def _convert(node, loader):
    """Mappings and lists keep their lines; every scalar is built by PyYAML, with YAML's own types."""
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result = LocatedDict()
        result.line, result.key_lines = line, {}
        for key_node, value_node in node.value:
            key = _convert(key_node, loader)
            if not isinstance(key, str):
                raise LoadError(key_node.start_mark.line + 1, f"clé non textuelle : {key!r}")
            if key in result:
                raise LoadError(key_node.start_mark.line + 1, f"clé en double : « {key} »")
            result[key] = _convert(value_node, loader)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        result = LocatedList(_convert(item, loader) for item in node.value)
        result.line, result.item_lines = line, [item.start_mark.line + 1 for item in node.value]
        return result
    return loader.construct_object(node)


def load(text: str):
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise LoadError(1, "le fichier est vide")
        return _convert(node, loader)
    except yaml.YAMLError as error:
        line, problem = problem_of(error)
        raise LoadError(line or 1, f"YAML illisible : {problem}") from None
    finally:
        loader.dispose()


def line_of(container, key, default: int = 0) -> int:
    if isinstance(container, LocatedDict):
        return container.key_lines.get(key, container.line)
    if isinstance(container, LocatedList) and isinstance(key, int) and key < len(container.item_lines):
        return container.item_lines[key]
    return getattr(container, "line", default)
