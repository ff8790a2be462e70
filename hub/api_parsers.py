"""The API's parsers (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES): refuse a JSON
or form-encoded body larger than API_MAX_BODY_BYTES with 413, and JSON nested
deeper than MAX_JSON_DEPTH with 400, both with the one error body (hub.api_errors), so a
hostile body is a clear 4xx and never a 500 (RecursionError) or a slow parse.
"""

import io
import json

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import FormParser, JSONParser

# No request the API documents comes near these; a household with all its
# members is a few kilobytes.
API_MAX_BODY_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 20


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The request body is too large. Send at most 1 MB."


def max_body_bytes() -> int:
    return min(
        API_MAX_BODY_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or API_MAX_BODY_BYTES
    )


def read_body(stream, parser_context) -> bytes:
    """The whole body, or PayloadTooLarge (413) past the limit: never reads
    more than the limit into memory."""
    limit = max_body_bytes()
    request = (parser_context or {}).get("request")
    declared = request.META.get("CONTENT_LENGTH") if request is not None else None
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge()
    raw = stream.read(limit + 1) if stream is not None else b""
    if len(raw) > limit:
        raise PayloadTooLarge()
    return raw


class HubFormParser(FormParser):
    """Form-encoded bodies, with the same 413 (DRF's reads any size)."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = read_body(stream, parser_context)
        return super().parse(io.BytesIO(raw), media_type, parser_context)


class HubJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = read_body(stream, parser_context)
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(raw.decode(encoding), parse_constant=_no_constants)
        except RecursionError:
            raise _too_deep() from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"The body is not valid JSON: {exc}") from None
        if json_depth(data) > MAX_JSON_DEPTH:
            raise _too_deep()
        return data


def json_depth(value) -> int:
    """How deeply lists and objects nest in `value` (a scalar is 0)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if depth > MAX_JSON_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _too_deep() -> ParseError:
    return ParseError(
        f"The JSON is nested too deeply. Nest lists and objects at most "
        f"{MAX_JSON_DEPTH} levels."
    )


def _no_constants(name):
    raise ValueError(f"{name} is not a JSON number")
