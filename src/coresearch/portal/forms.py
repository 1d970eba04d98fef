"""Reading portal forms and collecting the errors shown next to their fields."""

from __future__ import annotations

from litestar.datastructures import UploadFile

from coresearch.portal.web import AnyRequest

MAX_FIELD = 10_000


class FieldErrors:
    """Errors by field name (messages are msgids, translated in the template); a summary at the
    top of the form links to each field, and each field names its error with aria-describedby."""

    def __init__(self) -> None:
        self.by_field: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        """Record the first error of a field."""
        self.by_field.setdefault(field, message)

    def get(self, field: str) -> str | None:
        """The field's error, or None."""
        return self.by_field.get(field)

    def items(self) -> list[tuple[str, str]]:
        """Every error, in the order found."""
        return list(self.by_field.items())

    def __bool__(self) -> bool:
        return bool(self.by_field)


async def form_of(request: AnyRequest) -> dict[str, str]:
    """The form's text fields (the first value of each; files are ignored)."""
    form = await request.form()
    fields: dict[str, str] = {}
    for name, value in form.multi_items():
        if not isinstance(value, UploadFile) and name not in fields:
            fields[name] = str(value)
    return fields


def text_field(form: dict[str, str], name: str, *, strip: bool = True) -> str:
    """A field's text without NUL (which PostgreSQL refuses), cut at a sane length."""
    value = form.get(name, "").replace("\x00", "")[:MAX_FIELD]
    return value.strip() if strip else value
