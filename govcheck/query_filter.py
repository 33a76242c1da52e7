"""Checking an operator's ``govcheck query --filter`` before it reaches the store.

A filter is a MongoDB query document as JSON. Only the query language's plain operators are
taken, to a bounded depth, so that a filter means the same on both stores and can do nothing
but select documents:

- on fields: ``$eq $ne $gt $gte $lt $lte $in $nin $exists $type $regex $options $not $all
  $elemMatch $size $mod``;
- joining filters: ``$and $or $nor``.

Refused, with the reason: ``$where``, ``$function`` and ``$accumulator`` (JavaScript run on a
MongoDB server); ``$expr`` (aggregation expressions: they can hold ``$function``, and every
comparison of a field with a value is said with the plain operators; comparing two fields of
one document is not an auditor's question of our collections); anything else (``$text``,
``$jsonSchema``, geo operators: no index for them, or nothing to ask of our documents).
A ``$regex`` must compile (Python's ``re``: the embedded store runs it so) with options among
``imsx``, and not under ``$not`` (the embedded store cannot run that: ``$nor`` says the same);
``$mod`` needs a divisor that is not 0. A server may still refuse what Python's ``re`` takes
(FerretDB has no look-ahead): ``govcheck query`` says so as an invalid filter. Nesting deeper than :data:`MAX_DEPTH`
(objects and arrays) is refused before anything walks it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["FilterError", "MAX_DEPTH", "parse_filter", "check_filter"]

# Objects and arrays inside one another; real audit filters use three or four.
MAX_DEPTH = 12
JOINING = ("$and", "$or", "$nor")
ON_FIELDS = (
    "$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists", "$type",
    "$regex", "$options", "$not", "$all", "$elemMatch", "$size", "$mod",
)
JAVASCRIPT = ("$where", "$function", "$accumulator")
COMPARISONS = ("$eq", "$ne", "$gt", "$gte", "$lt", "$lte")
# The BSON types both stores know by name (montydb has no "number"), and their codes.
TYPE_NAMES = {
    "double": 1, "string": 2, "object": 3, "array": 4, "binData": 5, "objectId": 7, "bool": 8,
    "date": 9, "null": 10, "regex": 11, "int": 16, "timestamp": 17, "long": 18, "decimal": 19,
}
REGEX_OPTIONS = "imsx"


class FilterError(ValueError):
    """The filter is not one we run; the message says what is wrong, where."""


def parse_filter(text: str) -> dict[str, Any]:
    """The filter given as JSON text, checked (:func:`check_filter`)."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise FilterError(f"nested more than {MAX_DEPTH} levels deep") from None
    except json.JSONDecodeError as error:
        raise FilterError(f"--filter is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise FilterError("--filter must be a JSON object, e.g. '{\"verdict\": \"不合格\"}'")
    check_filter(value)
    return value


def check_filter(query: Mapping[str, Any]) -> None:
    """Raises FilterError unless ``query`` uses only the allowed operators, within MAX_DEPTH."""
    _check_depth(query, 0)
    _check_document(query, "")


def _check_depth(value: Any, depth: int) -> None:
    if isinstance(value, (dict, list)):
        if depth >= MAX_DEPTH:
            raise FilterError(f"nested more than {MAX_DEPTH} levels deep")
        for member in value.values() if isinstance(value, dict) else value:
            _check_depth(member, depth + 1)


def _where(path: str) -> str:
    return f" (at {path})" if path else ""


def _check_document(query: Mapping[str, Any], path: str) -> None:
    """A filter: fields with conditions, and $and/$or/$nor of filters."""
    for name, condition in query.items():
        if not isinstance(name, str) or not name:
            raise FilterError(f"a field name must not be empty{_where(path)}")
        if name in JOINING:
            if not isinstance(condition, list) or not condition or not all(isinstance(c, dict) for c in condition):
                raise FilterError(f"{name} takes a non-empty list of filters{_where(path)}")
            for index, member in enumerate(condition):
                _check_document(member, f"{path}{name}[{index}].")
        elif name.startswith("$"):
            raise FilterError(_refusal(name) + _where(path))
        else:
            _check_condition(condition, f"{path}{name}")


def _check_condition(condition: Any, path: str) -> None:
    """What a field is compared with: a value, or a document of operators."""
    if isinstance(condition, dict) and any(isinstance(k, str) and k.startswith("$") for k in condition):
        _check_operators(condition, path)
    else:
        _check_value(condition, path)


def _check_value(value: Any, path: str) -> None:
    """A value to compare with: no operator may hide inside it."""
    if isinstance(value, dict):
        for name, member in value.items():
            if name.startswith("$"):
                raise FilterError(f"{name} inside a value: an operator must stand alone beside the field (at {path})")
            _check_value(member, f"{path}.{name}")
    elif isinstance(value, list):
        for member in value:
            _check_value(member, path)


def _check_operators(operators: Mapping[str, Any], path: str) -> None:
    where = f" (at {path})"
    for name, argument in operators.items():
        if not name.startswith("$"):
            raise FilterError(f"{name!r} beside operators: a field's condition is either a value or operators{where}")
        if name not in ON_FIELDS:
            raise FilterError(_refusal(name) + where)
        if name in COMPARISONS:
            _check_value(argument, path)
        elif name in ("$in", "$nin", "$all"):
            if not isinstance(argument, list):
                raise FilterError(f"{name} takes a list{where}")
            _check_value(argument, path)
        elif name == "$exists":
            if not isinstance(argument, bool):
                raise FilterError(f"$exists takes true or false{where}")
        elif name == "$type":
            for member in argument if isinstance(argument, list) else [argument]:
                if not (member in TYPE_NAMES or (type(member) is int and member in TYPE_NAMES.values())):
                    raise FilterError(f"$type {json.dumps(member, ensure_ascii=False)}: not a BSON type; one of {', '.join(TYPE_NAMES)}{where}")
        elif name == "$regex":
            _check_regex(argument, operators.get("$options", ""), where)
        elif name == "$options":
            if "$regex" not in operators:
                raise FilterError(f"$options without $regex{where}")
        elif name == "$not":
            if not isinstance(argument, dict) or not argument or not all(k.startswith("$") for k in argument):
                raise FilterError(f"$not takes operators, e.g. {{\"$not\": {{\"$regex\": \"^渭南\"}}}}{where}")
            if "$regex" in argument:
                # MongoDB runs it, montydb (the embedded store) does not: one meaning on both stores
                raise FilterError(f"$not with $regex: say it with $nor instead, e.g. {{\"$nor\": [{{\"name\": {{\"$regex\": \"渭南\"}}}}]}}{where}")
            _check_operators(argument, path)
        elif name == "$elemMatch":
            if not isinstance(argument, dict) or not argument:
                raise FilterError(f"$elemMatch takes a filter or operators{where}")
            if all(k.startswith("$") and k not in JOINING for k in argument):
                _check_operators(argument, path)
            else:
                _check_document(argument, f"{path}.$elemMatch.")
        elif name == "$size":
            if type(argument) is not int or argument < 0:
                raise FilterError(f"$size takes a whole number of at least 0{where}")
        elif name == "$mod":
            if (
                not isinstance(argument, list) or len(argument) != 2
                or not all(type(n) in (int, float) for n in argument) or argument[0] == 0
            ):
                raise FilterError(f"$mod takes [divisor, remainder], a divisor other than 0{where}")


def _check_regex(pattern: Any, options: Any, where: str) -> None:
    if not isinstance(pattern, str):
        raise FilterError(f"$regex takes a text{where}")
    if not isinstance(options, str) or any(o not in REGEX_OPTIONS for o in options):
        raise FilterError(f"$options {json.dumps(options, ensure_ascii=False)}: letters among {REGEX_OPTIONS} only{where}")
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as error:
        raise FilterError(f"$regex {json.dumps(pattern, ensure_ascii=False)}: {error}{where}") from None


def _refusal(name: str) -> str:
    if name in JAVASCRIPT:
        return f"{name} runs JavaScript on the server and is not allowed"
    if name == "$expr":
        return "$expr (aggregation expressions, which may run JavaScript) is not allowed; compare fields with the plain operators"
    return f"{name} is not an allowed operator; allowed: {', '.join(JOINING + ON_FIELDS)}"
