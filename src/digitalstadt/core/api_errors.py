"""The error answers of the HTTP API, for the OpenAPI document: every endpoint declares
the statuses it can really give (`response={200: Out, **api_errors(404, 409)}`).

Every error body is `{"detail": ...}`: a message (German / English) for the errors our
code gives; for 422 from django-ninja's own validation, the list of problems.
Every endpoint can answer 400 (a NUL byte, or a parameter core.params refuses), so
`api_errors()` always adds it; endpoints with parameters or a body add 422 (one that
does not fit its schema); writes that take a lock can answer 503 with Retry-After
(core.locking.LockTimeout).
"""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str | list[dict[str, Any]]


ALWAYS = (400,)


def api_errors(*codes: int) -> dict[int, type[Schema]]:
    return {code: ValidationErrorOut if code == 422 else ErrorOut for code in sorted({*ALWAYS, *codes})}
