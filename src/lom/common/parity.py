"""Which API operations do what a UI view does (checked by the API parity test).

    @api_counterpart("GET /decisions/meetings", "POST /decisions/meetings")
    def meetings_view(request, actor): ...

Operations are written as "METHOD /path" with the path as in the OpenAPI document, without the
`/api/v1` prefix. The counterpart calls the same service or selector with the same permission
check; it is not a second implementation."""

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])
ATTRIBUTE = "api_operations"


def api_counterpart(*operations: str) -> Callable[[F], F]:
    for op in operations:
        method, _, path = op.partition(" ")
        if method not in {"GET", "POST", "PUT", "PATCH", "DELETE"} or not path.startswith("/"):
            raise ValueError(f"not 'METHOD /path': {op!r}")

    def mark(view: F) -> F:
        setattr(view, ATTRIBUTE, tuple(operations))
        return view

    return mark
