"""The one exception type of the data contract."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .span import Span


class JinbiaoError(Exception):
    """An error the user can act on: the command line prints its one-line message and exits 2."""


class ValidationError(JinbiaoError, ValueError):
    """An annotation that breaks the contract, with where it was found and why.

    `str(error)` is one line naming the file, document and span, for the command line.
    """

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        doc_id: str | None = None,
        span: Span | None = None,
        hint: str | None = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.doc_id = doc_id
        self.span = span
        self.hint = hint
        super().__init__(self._message())

    def _message(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.doc_id:
            where.append(f"document {self.doc_id}")
        if self.span is not None:
            where.append(f"span [{self.span.start}, {self.span.end}) {self.span.label} {self.span.text!r}")
        prefix = ": ".join(where)
        message = f"{prefix}: {self.reason}" if prefix else self.reason
        return f"{message} ({self.hint})" if self.hint else message

    def located(self, *, file: str | None = None, doc_id: str | None = None) -> ValidationError:
        """The same error with a file or document filled in where it was missing."""
        return ValidationError(
            self.reason,
            file=self.file or file,
            doc_id=self.doc_id or doc_id,
            span=self.span,
            hint=self.hint,
        )
