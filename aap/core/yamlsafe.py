"""PyYAML's safe loader, where a value that cannot exist is a YAML error with its line, not a crash."""
import yaml


class SafeLoader(yaml.SafeLoader):
    """PyYAML builds every value (numbers, booleans, dates, `.inf`); a date like 2021-13-45 is refused."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            raise yaml.constructor.ConstructorError(
                None, None, f"date impossible « {node.value} » : une date s'écrit AAAA-MM-JJ ; mettez un texte "
                            "qui ressemble à une date entre guillemets", node.start_mark) from None


SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", SafeLoader.construct_yaml_timestamp)


def problem_of(error: yaml.YAMLError) -> tuple[int, str]:
    """(line, reason) of a YAML error, the line counted from 1 (0 when unknown)."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        return (mark.line + 1 if mark else 0), str(error.problem or error.context)
    return 0, str(error)
