"""LogQL tokens: strings, numbers, durations, byte sizes, identifiers, operators; `#` comments skipped."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..parse_error import QueryParseError

# Longest first, so that `|=` wins over `|` and `>=` over `>`.
_OPERATORS = [
    "|=",
    "!=",
    "|~",
    "!~",
    "|>",
    "!>",
    "=~",
    "==",
    ">=",
    "<=",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    "|",
    "=",
    ">",
    "<",
    "+",
    "-",
    "*",
    "/",
    "%",
    "^",
]
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_UNIT_RUN = re.compile(r"(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)?[A-Za-zµ]+)+")
DURATION = re.compile(r"(?:(?:[0-9]+(?:\.[0-9]+)?)(?:ns|us|µs|ms|s|m|h|d|w|y))+")
BYTES = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[KMGTPE]i?)?[Bb]|[0-9]+(?:\.[0-9]+)?(?:[kmgtpe]i?)?b", re.IGNORECASE)
_FLAG = re.compile(r"--[a-z][a-z-]*")
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", '"': '"'}


@dataclass(frozen=True)
class Token:
    kind: str  # STRING NUMBER DURATION BYTES IDENT FLAG OP EOF
    text: str
    start: int
    end: int
    value: str = ""  # decoded string for STRING

    def is_op(self, *ops: str) -> bool:
        return self.kind == "OP" and self.text in ops

    def is_word(self, *words: str) -> bool:
        return self.kind == "IDENT" and self.text in words

    def describe(self) -> str:
        if self.kind == "EOF":
            return "end of query"
        return self.kind if self.kind in ("STRING", "NUMBER", "DURATION", "BYTES") else repr(self.text)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif ch in '"`':
            end, value = _read_string(text, i)
            tokens.append(Token("STRING", text[i:end], i, end, value))
            i = end
        elif ch.isdigit() or (ch == "." and i + 1 < n and text[i + 1].isdigit()):
            tokens.append(_read_number(text, i))
            i = tokens[-1].end
        elif match := _IDENT.match(text, i):
            tokens.append(Token("IDENT", match.group(), i, match.end()))
            i = match.end()
        elif (match := _FLAG.match(text, i)) and (not tokens or tokens[-1].kind in ("IDENT", "FLAG")):
            tokens.append(Token("FLAG", match.group(), i, match.end()))
            i = match.end()
        else:
            op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
            if op is None:
                raise QueryParseError(f"unexpected character {ch!r}", text, i)
            tokens.append(Token("OP", op, i, i + len(op)))
            i += len(op)
    tokens.append(Token("EOF", "", n, n))
    return tokens


def _read_number(text: str, start: int) -> Token:
    units = _UNIT_RUN.match(text, start)
    number = _NUMBER.match(text, start)
    assert number is not None  # the caller saw a digit
    if units and units.end() > number.end():
        word = units.group()
        if DURATION.fullmatch(word):
            return Token("DURATION", word, start, units.end())
        if BYTES.fullmatch(word):
            return Token("BYTES", word, start, units.end())
        raise QueryParseError(f"unknown unit in {word!r}", text, start)
    return Token("NUMBER", number.group(), start, number.end())


def _read_string(text: str, start: int) -> tuple[int, str]:
    quote = text[start]
    i, n = start + 1, len(text)
    if quote == "`":
        end = text.find("`", i)
        if end < 0:
            raise QueryParseError("literal not terminated", text, start)
        return end + 1, text[i:end]
    chars: list[str] = []
    while i < n:
        ch = text[i]
        if ch == '"':
            return i + 1, "".join(chars)
        if ch == "\n":
            break
        if ch != "\\":
            chars.append(ch)
            i += 1
            continue
        escape = text[i + 1 : i + 2]
        if escape in _ESCAPES:
            chars.append(_ESCAPES[escape])
            i += 2
        elif escape in ("x", "u", "U") or escape.isdigit():
            width = {"x": 2, "u": 4, "U": 8}.get(escape, 3)
            digits = text[i + 1 : i + 1 + width] if escape.isdigit() else text[i + 2 : i + 2 + width]
            base = 8 if escape.isdigit() else 16
            try:
                if len(digits) != width:
                    raise ValueError(digits)
                chars.append(chr(int(digits, base)))
            except ValueError:
                raise QueryParseError("invalid escape sequence in string", text, i) from None
            i += 1 + width + (0 if escape.isdigit() else 1)
        else:
            raise QueryParseError(f"unknown escape sequence \\{escape}", text, i)
    raise QueryParseError("literal not terminated", text, start)
