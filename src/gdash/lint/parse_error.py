"""The one exception type query parsing raises: a message and a position in the original text."""

from __future__ import annotations

from .macros import line_and_column


class QueryParseError(Exception):
    """A PromQL/LogQL query that does not parse; ``index`` points into the text the user wrote."""

    def __init__(self, message: str, query: str, index: int | None):
        self.message = message
        self.query = query
        self.index = index
        if index is None:
            self.line, self.column = None, None
        else:
            self.line, self.column = line_and_column(query, min(index, len(query)))
        super().__init__(self.describe())

    def describe(self) -> str:
        if self.column is None:
            return self.message
        where = f"line {self.line}, column {self.column}" if self.line and self.line > 1 else f"column {self.column}"
        return f"{where}: {self.message}"
