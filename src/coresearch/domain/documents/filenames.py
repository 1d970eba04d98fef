"""The name an uploaded file is kept and downloaded under, made safe from what the client sent."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

from python_multipart.multipart import parse_options_header

FALLBACK_NAME = "document"
MAX_FILENAME_BYTES = 255
MAX_EXTENSION_BYTES = 16
# Control and format characters (bidi overrides that disguise an extension) and line separators.
REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
EXTENDED_FILENAME = re.compile(r"""(?:^|;)\s*filename\*\s*=\s*([^;\s]+)""", re.IGNORECASE)


def _truncate_utf8(text: str, limit: int) -> str:
    """The longest prefix of `text` whose UTF-8 form fits in `limit` bytes."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def clean_filename(raw: str | None) -> str:
    """A safe file name: the last path segment, no control characters, NFC, at most 255 bytes.

    The extension is kept when the name must be shortened; an empty result becomes `document`.
    """
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in REMOVED_CATEGORIES)
    name = unicodedata.normalize("NFC", name).strip()
    if not name.strip("."):
        return FALLBACK_NAME
    if len(name.encode("utf-8")) <= MAX_FILENAME_BYTES:
        return name
    stem, dot, extension = name.rpartition(".")
    if not stem or not dot or len(extension.encode("utf-8")) > MAX_EXTENSION_BYTES:
        return _truncate_utf8(name, MAX_FILENAME_BYTES).rstrip() or FALLBACK_NAME
    suffix = "." + extension
    room = MAX_FILENAME_BYTES - len(suffix.encode("utf-8"))
    return _truncate_utf8(stem, room).rstrip() + suffix


def _decode_header_text(raw: bytes) -> str:
    """Header bytes as text: UTF-8 as browsers send it, else Latin-1."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def parse_disposition(raw: bytes) -> tuple[str | None, str | None]:
    """The `name` and file name of a part's Content-Disposition header.

    `filename*` (RFC 5987, UTF-8 or ISO-8859-1) wins over `filename` when both are given.
    """
    _, options = parse_options_header(raw)
    name = options.get(b"name")
    filename = options.get(b"filename")
    extended = EXTENDED_FILENAME.search(raw.decode("latin-1"))
    if extended is not None:
        charset, _, rest = extended.group(1).strip('"').partition("'")
        _, _, encoded = rest.partition("'")
        if charset.lower() in {"utf-8", "iso-8859-1"} and encoded:
            return (
                _decode_header_text(name) if name is not None else None,
                unquote(encoded, encoding=charset.lower(), errors="replace"),
            )
    return (
        _decode_header_text(name) if name is not None else None,
        _decode_header_text(filename) if filename is not None else None,
    )
