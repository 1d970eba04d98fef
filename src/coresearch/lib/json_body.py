"""JSON request bodies decoded strictly, straight into the type the handler declares.

Litestar decodes a body into plain Python values first and converts them to the handler's type
afterwards in lax mode, so `"false"` and `0` passed as booleans and `"5"` as an integer, and a
deeply nested or non-UTF-8 body failed inside the decoder with a 500. Here the bytes go through a
strict msgspec decoder for the declared type in one step: anything else is a 400 naming the field,
and a body that is not JSON by its `Content-Type` is a 415.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request
from litestar.handlers import HTTPRouteHandler
from litestar.types import Empty

from coresearch.lib.problems import BadRequest, Invalid, UnsupportedMediaType
from coresearch.lib.text import explain

_DECODERS: dict[int, msgspec.json.Decoder[Any]] = {}
_AT_PATH = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_UNKNOWN_FIELD = re.compile(r"^Object contains unknown field `(?P<name>[^`]*)`$")


def is_json_media_type(content_type: str | None) -> bool:
    """Whether a `Content-Type` names JSON (`application/json` or `application/<x>+json`)."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _decoder_for(handler: HTTPRouteHandler) -> msgspec.json.Decoder[Any]:
    decoder = _DECODERS.get(id(handler))
    if decoder is None:
        data = handler.parsed_fn_signature.parameters.get("data")
        target = data.annotation if data is not None else Any
        decoder = _DECODERS[id(handler)] = msgspec.json.Decoder(target, strict=True)
    return decoder


def _field_error(message: str) -> dict[str, str]:
    """`{field, message}` from a msgspec message such as "Expected `int`, got `str` - at `$.x`"."""
    parts = _AT_PATH.match(message)
    text, path = (parts["message"], parts["path"] or "") if parts else (message, "")
    unknown = _UNKNOWN_FIELD.match(text)
    if unknown:
        path = f"{path}.{unknown['name']}"
        text = "is not a field of this body"
    return {"field": path.lstrip(".") or "body", "message": explain(text)}


def decode_body(body: bytes, *, content_type: str | None, decoder: msgspec.json.Decoder[Any]) -> Any:
    """Decode `body` strictly with `decoder`, answering 415 for a body that is not JSON and 400
    for one that does not parse or does not fit the type."""
    if not is_json_media_type(content_type):
        raise UnsupportedMediaType("The body must be JSON (Content-Type: application/json)")
    try:
        return decoder.decode(body)
    except msgspec.ValidationError as exc:
        raise Invalid("The request is not valid", errors=[_field_error(str(exc))]) from None
    except (msgspec.DecodeError, ValueError, RecursionError) as exc:
        # RecursionError: nesting deeper than the decoder's limit, which no body of ours needs.
        reason = "it nests too deeply" if isinstance(exc, RecursionError) else "it is not valid UTF-8 JSON"
        raise BadRequest(f"The body could not be read: {reason}", errors=[]) from None


class ApiRequest(Request[Any, Any, Any]):
    """The app's request class: `json()` returns the body already decoded into the handler's type."""

    async def json(self) -> Any:
        """The body, decoded strictly into the type of the handler's `data` parameter."""
        if self._json is Empty:
            if (cached := self._connection_state.json) is not Empty:
                self._json = cached
            else:
                self._json = self._connection_state.json = decode_body(
                    await self.body(),
                    content_type=self.headers.get("content-type"),
                    decoder=_decoder_for(self.route_handler),
                )
        return self._json
