"""Syntax check of Go ``text/template`` text as Prometheus (and Grafana) use it in alert labels and annotations.

Not an evaluator: it finds what makes ``template.Parse`` fail — unclosed actions, unbalanced
``if``/``range``/``with``/``define``/``block`` and ``end``, unterminated strings, unbalanced
parentheses, undefined ``$variables`` and (for Prometheus) functions that do not exist. The
function list is Go's builtins plus Prometheus' template functions (``template/template.go``);
Grafana adds its own functions, so for Grafana-managed rules unknown functions are not reported.
"""

from __future__ import annotations

import re
from functools import lru_cache

GO_BUILTINS = frozenset(
    {
        "and",
        "or",
        "not",
        "len",
        "index",
        "slice",
        "print",
        "printf",
        "println",
        "eq",
        "ne",
        "lt",
        "le",
        "gt",
        "ge",
        "html",
        "js",
        "urlquery",
        "call",
    }
)
PROMETHEUS_FUNCTIONS = frozenset(
    {
        "query",
        "first",
        "label",
        "value",
        "strvalue",
        "sortByLabel",
        "args",
        "reReplaceAll",
        "safeHtml",
        "match",
        "title",
        "toUpper",
        "toLower",
        "graphLink",
        "tableLink",
        "pathPrefix",
        "externalURL",
        "stripPort",
        "stripDomain",
        "humanize",
        "humanize1024",
        "humanizeDuration",
        "humanizePercentage",
        "humanizeTimestamp",
        "toTime",
        "toDuration",
        "parseDuration",
        "now",
        "urlQueryEscape",
        "int",
        "float",
    }
)
PROMETHEUS_VARIABLES = frozenset({"$", "$labels", "$externalLabels", "$externalURL", "$value"})
GRAFANA_VARIABLES = PROMETHEUS_VARIABLES | {"$values"}
_KEYWORDS = {"if", "range", "with", "define", "block", "template", "else", "end", "break", "continue"}
_OPENERS = {"if", "range", "with", "define", "block"}
_LITERALS = {"true", "false", "nil"}
_TOKEN = re.compile(
    r'\s+|"(?:[^"\\\n]|\\.)*"|`[^`]*`|\'(?:[^\'\\\n]|\\.)+\'|:=|=|\||\(|\)|,'
    r"|\$[A-Za-z0-9_]*|(?:\.[A-Za-z_][A-Za-z0-9_]*)+|\.|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
    r"|[-+]?(?:0[xX][0-9a-fA-F]+|\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+)|."
)


class TemplateError(ValueError):
    pass


def check_template(
    text: str,
    *,
    variables: frozenset[str] = PROMETHEUS_VARIABLES,
    functions: frozenset[str] | None = PROMETHEUS_FUNCTIONS,
) -> None:
    """Raise :class:`TemplateError` (message like Go's) when ``text`` would not parse.

    ``functions`` None: any function name is accepted (Grafana's function set)."""
    if "{{" not in text:  # plain text (a runbook URL, a severity): no action to parse
        return
    error = _template_error(text, variables, functions)  # rule files repeat their annotations
    if error is not None:
        raise TemplateError(error)


@lru_cache(maxsize=4096)
def _template_error(text: str, variables: frozenset[str], functions: frozenset[str] | None) -> str | None:
    try:
        _check_template(text, variables, functions)
    except TemplateError as error:
        return str(error)
    return None


def _check_template(text: str, variables: frozenset[str], functions: frozenset[str] | None) -> None:
    known_functions = None if functions is None else functions | GO_BUILTINS
    stack: list[str] = []
    defined = set(variables)
    position = 0
    while True:
        start = text.find("{{", position)
        if start < 0:
            break
        end = _action_end(text, start + 2)
        if end < 0:
            raise TemplateError(f"unclosed action starting at character {start + 1}")
        body = text[start + 2 : end]
        position = end + 2
        body = body[1:] if body.startswith("-") and body[1:2].isspace() else body
        body = body[:-1] if body.endswith("-") and body[-2:-1].isspace() else body
        stripped = body.strip()
        if stripped.startswith("/*"):
            if not stripped.endswith("*/"):
                raise TemplateError("unclosed comment")
            continue
        if not stripped:
            raise TemplateError("missing value for command")
        _check_action(stripped, stack, defined, known_functions)
    if stack:
        raise TemplateError(f"unexpected EOF: {{{{{stack[-1]}}}}} has no {{{{end}}}}")


def _action_end(text: str, index: int) -> int:
    """Index of the ``}}`` closing the action that starts at ``index`` (quotes respected), or -1."""
    close = text.find("}}", index)
    if close < 0 or not any(q in text[index:close] for q in "\"`'"):
        return close  # the common case: no string inside the action
    quote = None
    i = index
    while i < len(text) - 1:
        char = text[i]
        if quote:
            if char == "\\" and quote != "`":
                i += 2
                continue
            if char == quote:
                quote = None
        elif char in "\"`'":
            quote = char
        elif text.startswith("}}", i):
            return i
        i += 1
    return -1


def _tokens(action: str) -> list[str]:
    tokens = []
    for match in _TOKEN.finditer(action):
        token = match.group(0)
        if token.isspace():
            continue
        if token[0] in "\"'" and (len(token) < 2 or token[-1] != token[0]):
            raise TemplateError(f"unterminated quoted string in {action!r}")
        tokens.append(token)
    return tokens


def _check_action(action: str, stack: list[str], defined: set[str], functions: frozenset[str] | None) -> None:
    tokens = _tokens(action)
    for token in tokens:
        if token in ('"', "'", "`"):
            raise TemplateError(f"unterminated quoted string in {action!r}")
    keyword = tokens[0]
    rest = tokens[1:]
    if keyword == "end":
        if not stack:
            raise TemplateError("unexpected {{end}}")
        stack.pop()
        return
    if keyword == "else":
        if not stack or stack[-1] not in ("if", "range", "with"):
            raise TemplateError("unexpected {{else}}")
        if rest and rest[0] in ("if", "with"):
            rest = rest[1:]
        elif rest:
            raise TemplateError(f"unexpected {rest[0]!r} after else")
        _check_pipeline(rest, defined, functions, action)
        return
    if keyword in ("break", "continue"):
        if "range" not in stack:
            raise TemplateError(f"{{{{{keyword}}}}} outside {{{{range}}}}")
        return
    if keyword in _OPENERS:
        stack.append(keyword)
        if keyword in ("define", "block"):
            if not rest or rest[0][0] not in '"`':
                raise TemplateError(f"{keyword} needs a quoted template name")
            rest = rest[1:]
            if keyword == "define":
                return
        if not rest and keyword != "block":
            raise TemplateError(f"missing value for {keyword}")
        _check_pipeline(rest, defined, functions, action)
        return
    if keyword == "template":
        if not rest or rest[0][0] not in '"`':
            raise TemplateError("template needs a quoted template name")
        _check_pipeline(rest[1:], defined, functions, action)
        return
    _check_pipeline(tokens, defined, functions, action)


def _check_pipeline(tokens: list[str], defined: set[str], functions: frozenset[str] | None, action: str) -> None:
    # declarations: $x := pipeline, $i, $e := pipeline (range)
    for i, token in enumerate(tokens):
        if token in (":=", "="):
            for name in tokens[:i]:
                if name.startswith("$"):
                    if token == ":=":
                        defined.add(name)
                    elif name not in defined:
                        raise TemplateError(f"undefined variable {name!r}")
            tokens = tokens[i + 1 :]
            break
    depth = 0
    command_start = True
    for token in tokens:
        if token == "(":
            depth += 1
            command_start = True
            continue
        if token == ")":
            depth -= 1
            if depth < 0:
                raise TemplateError(f"unexpected right paren in {action!r}")
            command_start = False
            continue
        if token == "|":
            command_start = True
            continue
        if token.startswith("$"):
            base = token.split(".")[0]
            if base not in defined:
                raise TemplateError(f"undefined variable {base!r}")
        elif functions is not None and command_start and re.match(r"[A-Za-z_]", token):
            name = token.split(".")[0]
            if name in _KEYWORDS:
                raise TemplateError(f"unexpected {name!r} in command")
            if name not in functions and name not in _LITERALS:
                raise TemplateError(f"function {name!r} not defined")
        command_start = False
    if depth:
        raise TemplateError(f"unclosed left paren in {action!r}")
