"""The ``fields`` partial-response parameter (``a.b,c(d,e)``, ``a/b``, ``*``) applied to JSON."""

from __future__ import annotations

import copy
from typing import Any

Mask = dict[str, "Mask | None"]  # None = keep the whole value


def parse(text: str) -> Mask | None:
    """Parse a field mask; ``None`` means "everything"."""
    text = (text or "").replace(" ", "")
    if not text or text == "*":
        return None
    mask, pos = _parse_list(text, 0)
    if pos != len(text):
        raise ValueError(f"bad field mask: {text}")
    return mask


def _parse_list(text: str, pos: int) -> tuple[Mask, int]:
    mask: Mask = {}
    while pos < len(text):
        end = pos
        while end < len(text) and text[end] not in ",()":
            end += 1
        path = [p for p in text[pos:end].replace("/", ".").split(".") if p]
        pos = end
        sub: Mask | None = None
        if pos < len(text) and text[pos] == "(":
            sub, pos = _parse_list(text, pos + 1)
            if pos >= len(text) or text[pos] != ")":
                raise ValueError(f"bad field mask: {text}")
            pos += 1
        _insert(mask, path, sub)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        break
    return mask, pos


def _insert(mask: Mask, path: list[str], leaf: Mask | None) -> None:
    if not path:
        return
    node = mask
    for name in path[:-1]:
        child = node.get(name, ...)
        if child is None:
            return  # already keeping the whole value
        if child is ...:
            child = {}
            node[name] = child
        node = child
    name = path[-1]
    if name not in node:
        node[name] = leaf
    elif node[name] is None or leaf is None:
        node[name] = None
    else:
        _merge(node[name], leaf)


def _merge(into: Mask, other: Mask) -> None:
    for key, value in other.items():
        if key not in into:
            into[key] = value
        elif into[key] is None or value is None:
            into[key] = None
        else:
            _merge(into[key], value)


def apply(value: Any, mask: Mask | None) -> Any:
    if mask is None:
        return value
    if isinstance(value, list):
        return [apply(item, mask) for item in value]
    if not isinstance(value, dict):
        return value
    if "*" in mask:
        return value
    return {key: apply(value[key], sub) for key, sub in mask.items() if key in value}


def wants(mask: Mask | None, *path: str) -> bool:
    """Does the mask ask for anything under ``path``?"""
    node: Mask | None = mask
    for name in path:
        if node is None:
            return True
        if "*" in node:
            return True
        if name not in node:
            return False
        node = node[name]
    return True


def copy_masked(target: dict[str, Any], source: dict[str, Any], mask: Mask | None) -> None:
    """Copy the fields named by ``mask`` from source into target (absent in source = cleared)."""
    if mask is None or "*" in mask:
        for key, value in source.items():
            target[key] = copy.deepcopy(value)
        return
    for key, sub in mask.items():
        if sub is None:
            if key in source and source[key] is not None:
                target[key] = copy.deepcopy(source[key])
            else:
                target.pop(key, None)
        else:
            child = target.setdefault(key, {})
            copy_masked(child, source.get(key) or {}, sub)
