"""PDF typesetting with Typst (the `typst` package: a real typesetter, fonts built in, no binary).

A document is a template under `templates/pdf/` plus one JSON value. The data goes in as a
system input and the template reads it with `json(bytes(sys.inputs.data))`: user text is never
formatted into Typst source, so a `#panic(...)` typed into a comment is printed, not run.
Compiling takes the GIL off and costs tens of milliseconds, so it runs in a worker thread under
its own limiter and never blocks the event loop. Only Typst's embedded fonts are used (Libertinus
Serif, New Computer Modern, DejaVu Sans Mono): the same PDF on every machine, fonts embedded.
"""

from __future__ import annotations

import functools
from pathlib import Path

import anyio
import anyio.to_thread
import msgspec
import typst

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "pdf"

# Two compiles at a time: a report must not take every worker thread from uploads.
_LIMITER: anyio.CapacityLimiter | None = None


class RenderError(RuntimeError):
    """A template failed to compile: a bug in the template, never the user's data."""


def _limiter() -> anyio.CapacityLimiter:
    global _LIMITER
    if _LIMITER is None:
        _LIMITER = anyio.CapacityLimiter(2)
    return _LIMITER


def render_sync(template: str, data: object, *, timestamp: int | None = None) -> bytes:
    """The PDF of `template` (a file name under templates/pdf/) over `data` (msgspec-encodable).

    `timestamp` (seconds since the epoch) is the document date Typst records; 0 gives
    byte-identical output for the same data.
    """
    source = (TEMPLATES / template).read_bytes()
    payload = msgspec.json.encode(data).decode("utf-8")
    try:
        # The stub binds `input` and `root` to one type variable (bytes vs str): a stub quirk.
        pdf = typst.compile(  # type: ignore[type-var]
            source,
            root=str(TEMPLATES),
            sys_inputs={"data": payload},
            ignore_system_fonts=True,
            timestamp=timestamp,
        )
    except Exception as exc:  # typst raises its own TypstError with the diagnostics
        raise RenderError(f"{template}: {exc}") from exc
    if not isinstance(pdf, bytes):  # pragma: no cover - compile returns bytes without `output`
        raise RenderError(f"{template}: no PDF produced")
    return pdf


async def render(template: str, data: object, *, timestamp: int | None = None) -> bytes:
    """`render_sync` in a worker thread, at most two at a time per process."""
    return await anyio.to_thread.run_sync(
        functools.partial(render_sync, template, data, timestamp=timestamp), limiter=_limiter()
    )
