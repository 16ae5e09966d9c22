"""A JQL subset: fields compared with =, !=, >, >=, <, <=, IN, NOT IN, IS [NOT] EMPTY,
AND/OR/NOT with parentheses, and ORDER BY. Field names may be quoted ("Story Points") or
written `cf[10050]`; values may be the no-argument functions in FUNCTIONS (`currentUser()`,
`now()`…). Date literals are read in the searching user's profile time zone, as Jira does;
number fields compare as numbers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

KEYWORDS = frozenset(
    {"and", "or", "not", "in", "is", "empty", "null", "order", "by", "asc", "desc"}
)
OPERATORS = ("!=", ">=", "<=", "!~", "=", ">", "<", "~")
DATE_FIELDS = frozenset({"updated", "created", "resolutiondate", "duedate"})
_DATE_FORMATS = ("%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y-%m-%d")
_RELATIVE = re.compile(r"^([-+]?)(\d+)([wdhm])$")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}


# No-argument functions the subset knows: who is searching, and moments of the user's day.
FUNCTIONS = frozenset({"currentuser()", "now()", "startofday()", "endofday()"})


class JqlError(ValueError):
    """Bad JQL: the message is what Jira puts in `errorMessages`."""


@dataclass(frozen=True)
class Token:
    kind: str  # "word" | "string" | "op" | "(" | ")" | ","
    text: str
    pos: int


@dataclass(frozen=True)
class Clause:
    field: str  # lower-cased, unquoted
    op: str  # "=", "!=", ">", ..., "in", "not in", "is", "is not"
    values: tuple[str | None, ...]  # None = EMPTY


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    part: Node


Node = Clause | BoolOp | Not


@dataclass(frozen=True)
class Query:
    where: Node | None
    order: tuple[tuple[str, bool], ...]  # (field, descending)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "\"'":
            start, i, chars = i, i + 1, []
            while i < len(text) and text[i] != char:
                if text[i] == "\\" and i + 1 < len(text):
                    i += 1
                chars.append(text[i])
                i += 1
            if i >= len(text):
                raise JqlError(
                    f"Error in the JQL Query: The quoted string starting at character {start} "
                    "has not been completed."
                )
            tokens.append(Token("string", "".join(chars), start))
            i += 1
        elif char in "(),":
            tokens.append(Token(char, char, i))
            i += 1
        elif op := next((o for o in OPERATORS if text.startswith(o, i)), None):
            tokens.append(Token("op", op, i))
            i += len(op)
        else:
            match = re.compile(r"[^\s=!<>()\"',~]+").match(text, i)
            assert match is not None
            tokens.append(Token("word", match.group(), i))
            i = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def keyword(self, *words: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "word" and token.text.lower() in words

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise self.error("Expecting more input but reached the end of the query")
        self.i += 1
        return token

    def error(self, message: str) -> JqlError:
        return JqlError(f"Error in the JQL Query: {message}. The query was: {self.text}")

    def query(self) -> Query:
        where = None if self.keyword("order") or self.peek() is None else self.or_expr()
        order: list[tuple[str, bool]] = []
        if self.keyword("order"):
            self.take()
            if not self.keyword("by"):
                raise self.error("Expecting 'by' after 'order'")
            self.take()
            while True:
                token = self.take()
                if token.kind not in ("word", "string"):
                    raise self.error(f"Expecting a field name but got '{token.text}'")
                descending = False
                if self.keyword("asc", "desc"):
                    descending = self.take().text.lower() == "desc"
                order.append((token.text.lower(), descending))
                if self.peek() is None or self.peek().kind != ",":  # type: ignore[union-attr]
                    break
                self.take()
        if self.peek() is not None:
            token = self.take()
            raise self.error(f"Expecting either 'OR' or 'AND' but got '{token.text}'")
        return Query(where, tuple(order))

    def or_expr(self) -> Node:
        parts = [self.and_expr()]
        while self.keyword("or"):
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else BoolOp("or", tuple(parts))

    def and_expr(self) -> Node:
        parts = [self.unary()]
        while self.keyword("and"):
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else BoolOp("and", tuple(parts))

    def unary(self) -> Node:
        if self.keyword("not"):
            self.take()
            return Not(self.unary())
        token = self.peek()
        if token is not None and token.kind == "(":
            self.take()
            node = self.or_expr()
            closing = self.take()
            if closing.kind != ")":
                raise self.error(f"Expecting ')' but got '{closing.text}'")
            return node
        return self.clause()

    def clause(self) -> Clause:
        token = self.take()
        if token.kind not in ("word", "string") or (
            token.kind == "word" and token.text.lower() in KEYWORDS
        ):
            raise self.error(f"Expecting a field name but got '{token.text}'")
        field = token.text.lower()
        if self.keyword("not"):
            self.take()
            if not self.keyword("in"):
                raise self.error("Expecting 'IN' after 'NOT'")
            self.take()
            return Clause(field, "not in", self.value_list())
        if self.keyword("in"):
            self.take()
            return Clause(field, "in", self.value_list())
        if self.keyword("is"):
            self.take()
            negated = self.keyword("not")
            if negated:
                self.take()
            if not self.keyword("empty", "null"):
                raise self.error("Expecting 'EMPTY' or 'NULL' after 'IS'")
            self.take()
            return Clause(field, "is not" if negated else "is", (None,))
        op = self.take()
        if op.kind != "op":
            raise self.error(f"Expecting operator but got '{op.text}'")
        return Clause(field, op.text, (self.value(),))

    def value(self) -> str | None:
        token = self.take()
        if token.kind == "string":
            return token.text
        if token.kind == "word" and token.text.lower() in ("empty", "null"):
            return None
        if token.kind != "word" or token.text.lower() in KEYWORDS:
            raise self.error(f"Expecting a value but got '{token.text}'")
        following = self.peek()
        if following is not None and following.kind == "(":  # a function: currentUser()
            self.take()
            closing = self.take()
            if closing.kind != ")":
                raise self.error(f"Expecting ')' but got '{closing.text}'")
            name = f"{token.text}()"
            if name.lower() not in FUNCTIONS:
                raise JqlError(f"Unable to find JQL function '{name}'.")
            return name.lower()
        return token.text

    def value_list(self) -> tuple[str | None, ...]:
        opening = self.take()
        if opening.kind != "(":
            raise self.error(f"Expecting '(' but got '{opening.text}'")
        values = [self.value()]
        while (token := self.take()).kind == ",":
            values.append(self.value())
        if token.kind != ")":
            raise self.error(f"Expecting ')' but got '{token.text}'")
        return tuple(values)


def parse(text: str) -> Query:
    return _Parser(text).query()


def clauses(node: Node | None) -> Iterator[Clause]:
    if isinstance(node, Clause):
        yield node
    elif isinstance(node, BoolOp):
        for part in node.parts:
            yield from clauses(part)
    elif isinstance(node, Not):
        yield from clauses(node.part)


def substitute(node: Node | None, values: Mapping[str, str]) -> Node | None:
    """The query with function values (e.g. `currentuser()`) replaced by what they mean."""
    if isinstance(node, Clause):
        changed = tuple(values.get(v, v) if v is not None else None for v in node.values)
        return Clause(node.field, node.op, changed)
    if isinstance(node, BoolOp):
        return BoolOp(node.op, tuple(substitute(p, values) for p in node.parts))  # type: ignore[misc]
    if isinstance(node, Not):
        return Not(substitute(node.part, values))  # type: ignore[arg-type]
    return node


def parse_date(literal: str, zone: ZoneInfo, now: datetime) -> datetime:
    """A JQL date literal as an aware datetime; zone-less forms are in the user's zone."""
    if literal in ("now()", "startofday()", "endofday()"):
        if literal == "now()":
            return now
        midnight = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
        return midnight if literal == "startofday()" else midnight + timedelta(days=1)
    relative = _RELATIVE.match(literal.strip())
    if relative:
        sign = -1 if relative.group(1) == "-" else 1
        delta = timedelta(**{_UNITS[relative.group(3)]: int(relative.group(2))})
        return now + sign * delta
    if literal.isdigit():  # epoch milliseconds
        return datetime.fromtimestamp(int(literal) / 1000, tz=zone)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(literal.strip(), fmt).replace(tzinfo=zone)
        except ValueError:
            continue
    raise JqlError(
        f"Date value '{literal}' for field 'updated' is invalid. Valid formats include: "
        "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period "
        "format e.g. '-5d', '4w 2d'."
    )


Lookup = Callable[[str], "set[str] | datetime | float | None"]


def evaluate(
    node: Node,
    lookup: Lookup,
    zone: ZoneInfo,
    now: datetime,
    kinds: Mapping[str, str] | None = None,
) -> bool:
    """`kinds` names the fields whose values compare as "number" or "date" (custom fields);
    the system date fields are dates without being named."""
    if isinstance(node, BoolOp):
        results = (evaluate(part, lookup, zone, now, kinds) for part in node.parts)
        return all(results) if node.op == "and" else any(results)
    if isinstance(node, Not):
        return not evaluate(node.part, lookup, zone, now, kinds)
    actual = lookup(node.field)
    if node.op in ("is", "is not"):
        empty = actual is None or actual == set()
        return empty if node.op == "is" else not empty
    kind = "date" if node.field in DATE_FIELDS else (kinds or {}).get(node.field, "text")
    if kind == "text":
        present = actual if isinstance(actual, set) else set()
        wanted = {v.lower() for v in node.values if v is not None}
        hit = bool(present & wanted)
        if node.op in ("=", "in"):
            return hit or (None in node.values and not present)
        if node.op in ("!=", "not in"):
            return bool(present) and not hit  # Jira's != never matches an empty field
        if node.op in ("~", "!~"):
            found = any(w in p for w in wanted for p in present)
            return found if node.op == "~" else bool(present) and not found
        raise JqlError(f"The operator '{node.op}' is not supported by the '{node.field}' field.")
    wanted_values = [
        parse_date(v, zone, now) if kind == "date" else _number(v, node.field)
        for v in node.values
        if v is not None
    ]
    if actual is None or isinstance(actual, set):
        return False  # an empty field matches no comparison, not even !=
    compare: dict[str, Callable[[Any, Any], bool]] = {
        "=": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
    }
    if node.op == "in":
        return any(actual == m for m in wanted_values)
    if node.op == "not in":
        return all(actual != m for m in wanted_values)
    if node.op not in compare:
        raise JqlError(f"The operator '{node.op}' is not supported by the '{node.field}' field.")
    return compare[node.op](actual, wanted_values[0])


def _number(literal: str, field: str) -> float:
    try:
        return float(literal)
    except ValueError:
        message = f"The value '{literal}' is not a valid number for field '{field}'."
        raise JqlError(message) from None
