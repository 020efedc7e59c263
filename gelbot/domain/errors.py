"""The domain's one refusal: a `DomainError` whose code names the template the edge renders."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request the domain refuses; `code` names a template the edge renders."""

    def __init__(self, code: str, **details: Any) -> None:
        super().__init__(code)
        self.code = code
        self.details = details
