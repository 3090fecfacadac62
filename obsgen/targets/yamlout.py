"""A small, fast, deterministic YAML writer for the generated files.

Block style, two-space indentation, keys in the order given (callers sort where order means
nothing), multi-line text as literal blocks (readable PromQL, small diffs), and a string is
left unquoted only when YAML would read it back as that same string. PyYAML's own dumper is
an order of magnitude slower on a large fleet and folds long lines.

The property tests check `yaml.safe_load(dump(x)) == x` for arbitrary data.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from yaml import ScalarNode
from yaml.resolver import Resolver

_RESOLVER = Resolver()
_PLAIN = re.compile(r"\A[A-Za-z0-9_/.(~$][\x20-\x7e]*\Z")
_UNSAFE_INSIDE = (": ", " #", "\t")
# Characters YAML may not hold raw (outside its printable set), plus the line breaks above.
_NOT_RAW = re.compile(
    "[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]"
)


def dump(data: Any, header: str = "") -> str:
    lines: list[str] = [header] if header else []
    _node(data, 0, lines)
    return "\n".join(lines) + "\n"


def scalar(value: Any) -> str:
    """One scalar as YAML text."""
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        if "e" in text and "." not in text:
            text = text.replace("e", ".0e")  # YAML 1.1 reads 1e+21 as text; 1.0e+21 is a float
        return text
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _resolves_to_str(text: str) -> bool:
    tag: str = _RESOLVER.resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return tag == "tag:yaml.org,2002:str"


@lru_cache(maxsize=65536)
def _string(text: str) -> str:
    if (
        _PLAIN.match(text)
        and not text.endswith((" ", ":"))
        and not any(u in text for u in _UNSAFE_INSIDE)
        and _resolves_to_str(text)
    ):
        return text
    return _quoted(text)


def _quoted(text: str) -> str:
    out = json.dumps(text, ensure_ascii=False)
    return _NOT_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", out)


def _literal_ok(text: str) -> bool:
    if "\n" not in text or "\r" in text or text.startswith((" ", "\n")):
        return False
    if _NOT_RAW.search(text):
        return False
    body = text[:-1] if text.endswith("\n") else text
    return not any(line.endswith((" ", "\t")) or not line for line in body.split("\n"))


def _node(data: Any, indent: int, lines: list[str]) -> None:
    pad = " " * indent
    if isinstance(data, dict):
        if not data:
            lines.append(pad + "{}")
        for key, value in data.items():
            _entry(f"{pad}{scalar(str(key))}:", value, indent, lines)
    elif isinstance(data, list | tuple):
        if not data:
            lines.append(pad + "[]")
        for item in data:
            if isinstance(item, dict) and item:
                first = len(lines)
                _node(item, indent + 2, lines)
                lines[first] = f"{pad}- " + lines[first][indent + 2 :]
            else:
                _entry(f"{pad}-", item, indent, lines)
    else:
        lines.append(pad + _block_or_scalar(data, indent))


def _entry(prefix: str, value: Any, indent: int, lines: list[str]) -> None:
    if isinstance(value, dict | list | tuple):
        if value:
            lines.append(prefix)
            _node(value, indent + 2, lines)
        else:
            lines.append(prefix + (" {}" if isinstance(value, dict) else " []"))
    else:
        lines.append(f"{prefix} {_block_or_scalar(value, indent + 2)}")


def _block_or_scalar(value: Any, indent: int) -> str:
    if isinstance(value, str) and "\n" in value and _literal_ok(value):
        chomp = "" if value.endswith("\n") else "-"
        body = value[:-1] if value.endswith("\n") else value
        pad = " " * indent
        return f"|{chomp}\n" + "\n".join(pad + line for line in body.split("\n"))
    return scalar(value)
