"""Text in requests: which characters a field accepts, as annotated types to build fields from.

PostgreSQL cannot store NUL (U+0000) in text, so no text field of a body or a query accepts it:
the caller gets a 400 naming the field instead of a 500 from the database, on both backends
(SQLite would store it). Single-line fields (titles, names, e-mail addresses, references,
filters) refuse every control character, U+0000-U+001F and U+007F-U+009F, tab and line breaks
included: in a title they are paste accidents that break lists, exports and log lines. Multi-line
fields (summaries, descriptions, notes) refuse only NUL: pasted text carries tabs, line breaks
and the odd form feed.

A body field adds its own limits: `Annotated[SingleLine, msgspec.Meta(min_length=1, max_length=300)]`;
an optional text filter in a query is a `TextFilter`.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.params import QueryParameter

NO_NUL = r"^[^\x00]*$"
# `$` also matches just before a final line feed; the look-ahead leaves only the end of the text.
NO_CONTROL = r"^[^\x00-\x1f\x7f-\x9f]*$(?!\n)"
EMAIL = r"^[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f]+$(?!\n)"

MultiLine = Annotated[str, msgspec.Meta(pattern=NO_NUL)]
SingleLine = Annotated[str, msgspec.Meta(pattern=NO_CONTROL)]
EmailAddress = Annotated[str, msgspec.Meta(pattern=EMAIL)]
# Litestar keeps only the parameter's own constraints for a query value, not an inner type's.
TextFilter = Annotated[str | None, QueryParameter(pattern=NO_CONTROL)]

_IN_WORDS = {
    NO_NUL: "must not contain the NUL character (U+0000)",
    NO_CONTROL: "must be one line without control characters (NUL, tab, line breaks and the like)",
    EMAIL: "must be an e-mail address (name@domain) without spaces or control characters",
}
# msgspec says which pattern a value failed to match; say what the pattern means instead.
_MESSAGES = {f"Expected `str` matching regex {pattern!r}": words for pattern, words in _IN_WORDS.items()}


def explain(message: str) -> str:
    """Return a validation message in words when it quotes one of these patterns, else unchanged."""
    return _MESSAGES.get(message, message)
