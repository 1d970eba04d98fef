"""Streaming multipart/form-data uploads: from the request body through the parser into the store.

Nothing is spooled: the `file` part goes chunk by chunk to `DocumentStore.put`, with only the
first `SNIFF_BYTES` held back to judge its type. Form fields may come before or after the file.
Those before it are checked before anything is stored; the rest, and the type decisions that
need the whole file, are checked when the body has been read but before the store commits the
object, so a refused upload leaves nothing behind (a failure raised from the chunk stream makes
both stores discard what they received).
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from coresearch.domain.documents.filenames import clean_filename, parse_disposition
from coresearch.domain.documents.sniffing import SNIFF_BYTES, Sniffer
from coresearch.lib.problems import BadRequest, PayloadTooLarge, UnsupportedMediaType
from coresearch.lib.storage import DocumentStore, ObjectTooLarge, StoredObject

# The body may exceed the file's limit by this much: boundaries, part headers and form fields.
FORM_ALLOWANCE = 64 * 1024
MAX_FIELD_BYTES = 4 * 1024
MAX_PARTS = 16
FILE_PART = "file"

CheckFields = Callable[[dict[str, str], bool], Awaitable[None]]
"""Checks the form fields received so far; the flag says whether the form is complete."""


@dataclass(frozen=True)
class FormUpload:
    """A multipart/form-data request body, as it streams in."""

    body: AsyncIterable[bytes]
    content_type: str | None
    content_length: int | None


@dataclass(frozen=True)
class ReceivedFile:
    """A stored upload: its form fields, the object, the clean file name and the sniffed type."""

    fields: dict[str, str]
    stored: StoredObject
    filename: str
    content_type: str


@dataclass(frozen=True)
class _PartStart:
    name: str | None
    filename: str | None
    content_type: str | None


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name


PART_END = _Marker("part end")
FORM_END = _Marker("form end")
_Event = _PartStart | bytes | _Marker


def _too_large(max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"The file is larger than the limit of {max_bytes} bytes",
        errors=[{"field": FILE_PART, "message": f"must be at most {max_bytes} bytes"}],
    )


def _bad_form(detail: str, field: str = "body") -> BadRequest:
    return BadRequest(detail, errors=[{"field": field, "message": detail}])


def boundary_of(content_type: str | None) -> bytes:
    """The multipart boundary; 415 unless the body is multipart/form-data, 400 without boundary."""
    media_type, options = parse_options_header(content_type or "")
    if media_type != b"multipart/form-data":
        raise UnsupportedMediaType(
            "Upload the file as multipart/form-data",
            errors=[{"field": "Content-Type", "message": "must be multipart/form-data"}],
        )
    boundary = options.get(b"boundary")
    if not boundary or len(boundary) > 200:
        raise _bad_form("The multipart/form-data body has no usable boundary", "Content-Type")
    return boundary


class _Parts:
    """The body as events: a part's start, chunks of its data, its end, the end of the form."""

    def __init__(self, body: AsyncIterable[bytes], boundary: bytes, limit: int, max_bytes: int) -> None:
        self._body = aiter(body)
        self._limit = limit
        self._max_bytes = max_bytes
        self._received = 0
        self._parts = 0
        self._events: deque[_Event] = deque()
        self._headers: dict[bytes, bytes] = {}
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._parser = MultipartParser(
            boundary,
            callbacks={
                "on_part_begin": self._headers.clear,
                "on_header_field": lambda data, start, end: self._header_name.extend(data[start:end]),
                "on_header_value": lambda data, start, end: self._header_value.extend(data[start:end]),
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
                "on_part_end": lambda: self._events.append(PART_END),
                "on_end": lambda: self._events.append(FORM_END),
            },
        )

    def _header_end(self) -> None:
        self._headers[bytes(self._header_name).strip().lower()] = bytes(self._header_value).strip()
        self._header_name.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        self._parts += 1
        if self._parts > MAX_PARTS:
            raise _bad_form(f"The form has more than {MAX_PARTS} parts")
        name, filename = parse_disposition(self._headers.get(b"content-disposition", b""))
        declared = self._headers.get(b"content-type")
        self._events.append(_PartStart(name, filename, declared.decode("latin-1") if declared else None))

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if end > start:
            self._events.append(data[start:end])

    async def next(self) -> _Event:
        """The next event; 400 if the body ends before the form does, 413 past the limit."""
        while not self._events:
            chunk = await anext(self._body, None)
            if chunk is None:
                raise _bad_form("The multipart body ended before its closing boundary")
            self._received += len(chunk)
            if self._received > self._limit:
                raise _too_large(self._max_bytes)
            try:
                self._parser.write(chunk)
            except MultipartParseError:
                raise _bad_form("The multipart body is malformed") from None
        return self._events.popleft()

    async def data(self) -> AsyncIterator[bytes]:
        """The chunks of the current part, up to its end."""
        while isinstance(event := await self.next(), bytes):
            yield event
        if event is not PART_END:
            raise _bad_form("The multipart body is malformed")


async def _read_field(parts: _Parts, name: str) -> str:
    value = bytearray()
    async for chunk in parts.data():
        value += chunk
        if len(value) > MAX_FIELD_BYTES:
            raise _bad_form(f"must be at most {MAX_FIELD_BYTES} bytes", name)
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad_form("must be UTF-8 text", name) from None


async def _read_fields(parts: _Parts, fields: dict[str, str], names: frozenset[str]) -> _PartStart | None:
    """Read form fields into `fields` up to the file part (returned) or the end of the form (None)."""
    while True:
        event = await parts.next()
        if event is FORM_END:
            return None
        if not isinstance(event, _PartStart):
            raise _bad_form("The multipart body is malformed")
        if event.name == FILE_PART:
            return event
        if event.name not in names:
            raise _bad_form("is not a field of this form", event.name or "(unnamed part)")
        if event.name in fields:
            raise _bad_form("is given twice", event.name)
        fields[event.name] = await _read_field(parts, event.name)


async def _read_head(parts: _Parts) -> tuple[bytes, bool]:
    """The file's first `SNIFF_BYTES` (or a little more), and whether that is the whole file."""
    head = bytearray()
    while len(head) < SNIFF_BYTES:
        event = await parts.next()
        if event is PART_END:
            return bytes(head), True
        if not isinstance(event, bytes):
            raise _bad_form("The multipart body is malformed")
        head += event
    return bytes(head), False


async def receive_upload(
    form: FormUpload,
    *,
    store: DocumentStore,
    key: str,
    max_bytes: int,
    field_names: frozenset[str],
    check_fields: CheckFields,
) -> ReceivedFile:
    """Stream the form's `file` part into the store under `key`; return what was stored.

    Raises:
        UnsupportedMediaType: the body is not multipart/form-data, or the file not an accepted type.
        BadRequest: the body is malformed, has no `file` part, or an unknown or repeated field.
        PayloadTooLarge: the file is over `max_bytes` (answered as soon as that is passed).
        StorageUnavailable: the store failed; nothing was stored.
        Whatever `check_fields` raises; nothing is stored then either.
    """
    boundary = boundary_of(form.content_type)
    limit = max_bytes + FORM_ALLOWANCE
    if form.content_length is not None and form.content_length > limit:
        raise _too_large(max_bytes)
    parts = _Parts(form.body, boundary, limit, max_bytes)
    fields: dict[str, str] = {}
    file_part = await _read_fields(parts, fields, field_names)
    if file_part is None:
        raise _bad_form("The form has no file part", FILE_PART)
    await check_fields(dict(fields), False)

    filename = clean_filename(file_part.filename)
    sniffer = Sniffer(filename=filename, declared=file_part.content_type)
    head, whole = await _read_head(parts)
    provisional_type = sniffer.decide(head, complete=whole)
    final_type: list[str] = []

    async def chunks() -> AsyncGenerator[bytes, None]:
        sniffer.feed(head)
        yield head
        if not whole:
            async for chunk in parts.data():
                sniffer.feed(chunk)
                yield chunk
        final_type.append(sniffer.finish())
        if await _read_fields(parts, fields, field_names) is not None:
            raise _bad_form("The form has more than one file part", FILE_PART)
        await check_fields(dict(fields), True)

    stream = chunks()
    try:
        stored = await store.put(key, stream, content_type=provisional_type, max_bytes=max_bytes)
    except ObjectTooLarge:
        raise _too_large(max_bytes) from None
    finally:
        await stream.aclose()
    return ReceivedFile(fields=fields, stored=stored, filename=filename, content_type=final_type[0])
