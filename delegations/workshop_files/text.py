"""Workshop files as text: YAML (the default) and JSON, parsed strictly, written stably."""

import json
import re
import sys

import yaml

from .schema import MAX_DEPTH, WorkshopFileError

# Far above any real workshop (the demo files are under 20 kB); checked before parsing.
MAX_TEXT_CHARS = 2_000_000


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML, stricter where a hostile or mistyped file would do harm:

    - no aliases (``*name``): a few hundred bytes of nested aliases expand to gigabytes;
    - nesting at most ``MAX_DEPTH`` levels (deeper would exhaust Python's stack);
    - mapping keys are text, each given once (a repeated key is refused, not kept last);
    - a date that does not exist (``2027-02-30``) stays text, so the schema refuses it
      by key path instead of the parser failing without one.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed", self.peek_event().start_mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH + 1:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"nested more than {MAX_DEPTH} levels deep",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, _value_node in node.value:
                if key_node.tag != "tag:yaml.org,2002:str":
                    raise yaml.constructor.ConstructorError(
                        None, None, "a key must be text", key_node.start_mark
                    )
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r}", key_node.start_mark
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_lenient_timestamp(self, node):
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_StrictLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _StrictLoader.construct_lenient_timestamp
)


class _Dumper(yaml.SafeDumper):
    pass


def _represent_text(dumper, value):
    # Multi-line texts as literal blocks, so a file reads like the guidance it holds.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def file_format_for(name):
    """``"json"`` for a ``.json`` file name, else ``"yaml"``."""
    return "json" if str(name).lower().endswith(".json") else "yaml"


# What YAML's reader refuses and a word processor leaves in a text: C0 and C1 controls
# but tab, line ends and NUL (refused with its line, as PostgreSQL would refuse it).
# Word's manual line break and the form feed become a space (a raw line break would
# change the YAML's structure); the rest goes, as ``common.text`` cleans typed text.
_YAML_CONTROLS = re.compile("[\x01-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_YAML_BREAKS = re.compile("[\x0b\x0c]")


def workshop_file_parse(*, text, fmt="yaml"):
    """The data of a YAML or JSON text; ``WorkshopFileError`` naming the line on a syntax
    error. The size is checked first, and the parsers refuse what would take
    unbounded time or memory (YAML aliases, deep nesting). A byte-order mark (Windows
    Notepad's UTF-8) is dropped; control characters inside texts are accepted here
    and cleaned with every other text (``schema``)."""
    if len(text) > MAX_TEXT_CHARS:
        raise WorkshopFileError(
            [f"the file has {len(text)} characters; at most {MAX_TEXT_CHARS} are accepted"]
        )
    text = text.removeprefix("\ufeff")
    if fmt == "json":
        try:
            # strict=False: a control character inside a string is read, then cleaned.
            return json.loads(text, object_pairs_hook=_json_mapping, strict=False)
        except json.JSONDecodeError as exc:
            raise WorkshopFileError([f"line {exc.lineno}, column {exc.colno}: {exc.msg}"]) from None
        except ValueError as exc:
            raise WorkshopFileError([_value_problem(exc)]) from None
        except RecursionError:
            raise WorkshopFileError([f"nested more than {MAX_DEPTH} levels deep"]) from None
    text = _YAML_CONTROLS.sub("", _YAML_BREAKS.sub(" ", text))
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        raise WorkshopFileError([_yaml_error_line(exc)]) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        problem = f"line {line}: the character #x{exc.character:04x} is not allowed"
        raise WorkshopFileError([problem]) from None
    except yaml.YAMLError as exc:
        raise WorkshopFileError([f"not valid YAML: {exc}"]) from None
    except ValueError as exc:
        raise WorkshopFileError([_value_problem(exc)]) from None


def _value_problem(exc):
    # Python refuses to read an integer of more than sys.get_int_max_str_digits() digits.
    if "digits" in str(exc):
        return f"a number has more than {sys.get_int_max_str_digits()} digits"
    return str(exc)


def _yaml_error_line(exc):
    mark = exc.problem_mark or exc.context_mark
    message = exc.problem or exc.context or "not valid YAML"
    if exc.context and exc.problem and exc.context_mark:
        message += f" ({exc.context} started at line {exc.context_mark.line + 1})"
    return f"line {mark.line + 1}, column {mark.column + 1}: {message}" if mark else message


def _json_mapping(pairs):
    mapping = {}
    for key, value in pairs:
        if key in mapping:
            raise ValueError(f"duplicate key {key!r}")
        mapping[key] = value
    return mapping


def workshop_file_render(*, data, fmt="yaml"):
    """``data`` as text; the same data always gives the same bytes."""
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=float("inf"),  # one text per line: readable diffs
    )
