"""What an uploaded file is, judged from its bytes: an allow-list of document types.

The first `SNIFF_BYTES` decide PDF, PNG, JPEG and ODT at once. Text (plain or CSV) must be
UTF-8 without control characters other than tab, CR and LF to its last byte, and a ZIP is DOCX
or XLSX only by the names of the entries seen while it streams: both are decided at the end.
A part's declared content type may be generic; a specific one must agree with the bytes.
"""

from __future__ import annotations

import codecs
import re

from coresearch.lib.problems import UnsupportedMediaType

SNIFF_BYTES = 8 * 1024

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TEXT = "text/plain; charset=utf-8"
CSV = "text/csv; charset=utf-8"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ZIP_PENDING = "application/zip"

ACCEPTED = "PDF, PNG, JPEG, plain text or CSV (UTF-8), DOCX, XLSX or ODT"

# What a client may declare for a type besides the type itself; generic types say nothing.
GENERIC_DECLARED = frozenset({"", "application/octet-stream", "binary/octet-stream", "application/unknown"})
ZIP_DECLARED = frozenset({"application/zip", "application/x-zip-compressed", "application/x-zip"})
ALSO_DECLARED = {
    PDF: frozenset({"application/x-pdf", "application/acrobat"}),
    PNG: frozenset({"image/x-png"}),
    JPEG: frozenset({"image/jpg", "image/pjpeg"}),
    # Browsers on Windows with Excel installed declare CSV files as Excel files.
    CSV: frozenset({"application/csv", "text/comma-separated-values", "application/vnd.ms-excel"}),
    DOCX: ZIP_DECLARED,
    XLSX: ZIP_DECLARED,
    ODT: ZIP_DECLARED,
}
OFFICE = (DOCX, XLSX, ODT)
CSV_DECLARED = frozenset({"text/csv"}) | ALSO_DECLARED[CSV]

ZIP_LOCAL_HEADER = b"PK\x03\x04"
ZIP_HEADER_BYTES = 30
ODT_MIMETYPE = ODT.encode()
CONTENT_TYPES_ENTRY = b"[Content_Types].xml"
# Enough of a local file header to read the longest entry-name prefix we look for.
ZIP_TAIL_BYTES = ZIP_HEADER_BYTES + len(CONTENT_TYPES_ENTRY)
FORBIDDEN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def base_type(content_type: str | None) -> str:
    """The media type without parameters, lower case: `Text/CSV; charset=x` → `text/csv`."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def _refuse(detail: str) -> UnsupportedMediaType:
    return UnsupportedMediaType(detail, errors=[{"field": "file", "message": f"must be {ACCEPTED}"}])


def _declared_fits(declared: str, sniffed: str) -> bool:
    if declared in GENERIC_DECLARED or declared == base_type(sniffed):
        return True
    if sniffed in (TEXT, CSV) and declared.startswith("text/"):
        return True
    return declared in ALSO_DECLARED.get(sniffed, frozenset())


def _is_odt(head: bytes) -> bool:
    """An ODF package starts with the uncompressed entry `mimetype` holding its media type."""
    if len(head) < ZIP_HEADER_BYTES or head[8:10] != b"\x00\x00":
        return False
    name_length = int.from_bytes(head[26:28], "little")
    extra_length = int.from_bytes(head[28:30], "little")
    if head[ZIP_HEADER_BYTES : ZIP_HEADER_BYTES + name_length] != b"mimetype":
        return False
    start = ZIP_HEADER_BYTES + name_length + extra_length
    return head[start : start + len(ODT_MIMETYPE)] == ODT_MIMETYPE


def _text_problem(text: str) -> str | None:
    found = FORBIDDEN_TEXT.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


class Sniffer:
    """Decides an upload's type: `decide` on the head, `feed` every chunk, `finish` at the end."""

    def __init__(self, *, filename: str, declared: str | None) -> None:
        self._declared = base_type(declared)
        self._csv = filename.lower().endswith(".csv") or self._declared in CSV_DECLARED
        self._type: str | None = None
        self._decoder: codecs.IncrementalDecoder | None = None
        self._zip_tail: bytes | None = None
        self._zip_names: set[bytes] = set()

    def decide(self, head: bytes, *, complete: bool) -> str:
        """Return the type to store the object as, judged from its first bytes.

        `complete` says the head is the whole file. For a ZIP the answer is provisional until
        `finish`. Raises UnsupportedMediaType for anything outside the allow-list.
        """
        if not head:
            raise _refuse("The file is empty")
        if head.startswith(b"%PDF-"):
            found = PDF
        elif head.startswith(b"\x89PNG\r\n\x1a\n"):
            found = PNG
        elif head.startswith(b"\xff\xd8\xff"):
            found = JPEG
        elif head.startswith(ZIP_LOCAL_HEADER):
            found = ODT if _is_odt(head) else ZIP_PENDING
        elif self._looks_like_text(head, complete=complete):
            found = CSV if self._csv else TEXT
        else:
            raise _refuse("The file's content is not a type accepted here")
        if found == ZIP_PENDING:
            fits = any(_declared_fits(self._declared, office) for office in OFFICE)
        else:
            fits = _declared_fits(self._declared, found)
        if not fits:
            raise _refuse(f"The file was declared as {self._declared}, but its content is not")
        self._type = found
        if found in (TEXT, CSV):
            self._decoder = codecs.getincrementaldecoder("utf-8")()
        elif found == ZIP_PENDING:
            self._zip_tail = b""
        return found

    def _looks_like_text(self, head: bytes, *, complete: bool) -> bool:
        try:
            text = codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
        except UnicodeDecodeError:
            return False
        return _text_problem(text) is None

    def feed(self, chunk: bytes) -> None:
        """Check one chunk of the file, in order, from the first; raises UnsupportedMediaType."""
        if self._decoder is not None:
            self._check_text(self._decoder, chunk, final=False)
        elif self._zip_tail is not None:
            self._scan_zip(chunk)

    def finish(self) -> str:
        """Return the file's final type once every chunk was fed; raises UnsupportedMediaType."""
        if self._type is None:
            raise RuntimeError("finish() before decide()")
        if self._decoder is not None:
            self._check_text(self._decoder, b"", final=True)
        if self._type != ZIP_PENDING:
            return self._type
        kinds = {prefix for prefix in (b"word/", b"xl/") if prefix in self._zip_names}
        if CONTENT_TYPES_ENTRY not in self._zip_names or len(kinds) != 1:
            raise _refuse("The ZIP file is not a DOCX, XLSX or ODT document")
        found = DOCX if kinds == {b"word/"} else XLSX
        if not _declared_fits(self._declared, found):
            raise _refuse(f"The file was declared as {self._declared}, but its content is not")
        return found

    @staticmethod
    def _check_text(decoder: codecs.IncrementalDecoder, chunk: bytes, *, final: bool) -> None:
        try:
            text = decoder.decode(chunk, final=final)
        except UnicodeDecodeError:
            raise _refuse("The text file is not valid UTF-8") from None
        problem = _text_problem(text)
        if problem is not None:
            raise _refuse(f"The text file contains the control character {problem}")

    def _scan_zip(self, chunk: bytes) -> None:
        """Note the entry names of the local file headers in `chunk` (and across its edges)."""
        data = (self._zip_tail or b"") + chunk
        at = data.find(ZIP_LOCAL_HEADER)
        keep_from = max(0, len(data) - ZIP_TAIL_BYTES)
        while at != -1:
            name_length = int.from_bytes(data[at + 26 : at + 28], "little")
            end = at + ZIP_HEADER_BYTES + min(name_length, len(CONTENT_TYPES_ENTRY))
            if at + ZIP_HEADER_BYTES > len(data) or end > len(data):
                keep_from = min(keep_from, at)
                break
            name = data[at + ZIP_HEADER_BYTES : at + ZIP_HEADER_BYTES + name_length]
            for prefix in (b"word/", b"xl/"):
                if name.startswith(prefix):
                    self._zip_names.add(prefix)
            if name == CONTENT_TYPES_ENTRY:
                self._zip_names.add(CONTENT_TYPES_ENTRY)
            at = data.find(ZIP_LOCAL_HEADER, at + 1)
        self._zip_tail = data[keep_from:]
