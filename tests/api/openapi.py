"""Check a real response against the published OpenAPI 3.0 schema.

`assert_matches_schema(schema, method, path_template, response)` fails when
the response's status is not documented for that operation, or its body does
not match the documented schema. `request_problems(...)` says what the schema
finds wrong with a request (so a limit the server enforces but the schema
does not state shows up). OpenAPI 3.0 is turned into JSON Schema
(2020-12) first: ``nullable: true`` allows null, and an object that lists its
``properties`` without saying ``additionalProperties`` allows no others, so an
undocumented key in a response is a failure too. Formats (date, date-time,
time, uri, email) are checked by our own small checkers, not by optional
packages that may be missing.
"""

import datetime as dt
import json
import re
from urllib.parse import urlparse

import jsonschema

TIME = re.compile(r"^\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
)

FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("date", raises=ValueError)
def _is_date(value) -> bool:
    if not isinstance(value, str):
        return True
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)) and bool(
        dt.date.fromisoformat(value)
    )


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    return bool(DATE_TIME.match(value)) and bool(dt.datetime.fromisoformat(value))


@FORMATS.checks("time", raises=ValueError)
def _is_time(value) -> bool:
    """RFC 3339 partial-time, with or without an offset (site wall-clock
    times have none on purpose)."""
    if not isinstance(value, str):
        return True
    return bool(TIME.match(value)) and bool(dt.time.fromisoformat(value))


@FORMATS.checks("uri")
def _is_uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlparse(value)
    return bool(parts.scheme and parts.netloc)


@FORMATS.checks("email")
def _is_email(value) -> bool:
    return not isinstance(value, str) or value == "" or "@" in value


def operation(schema: dict, method: str, path_template: str) -> dict:
    paths = schema["paths"]
    assert path_template in paths, f"{path_template} is not in the schema"
    operations = paths[path_template]
    assert method.lower() in operations, (
        f"{method.upper()} {path_template} is not in the schema "
        f"(it has {', '.join(m.upper() for m in operations)})"
    )
    return operations[method.lower()]


def assert_matches_schema(schema: dict, method: str, path_template: str, response):
    """Fail unless `response` is a documented answer of this operation."""
    op = operation(schema, method, path_template)
    status = str(response.status_code)
    where = f"{method.upper()} {path_template} answered {status}"
    body_text = response.content.decode(errors="replace")[:2000]
    assert status in op["responses"], (
        f"{where}, which the schema does not document "
        f"(documented: {', '.join(op['responses'])}). Body: {body_text}"
    )
    documented = op["responses"][status]
    for header, spec in documented.get("headers", {}).items():
        if spec.get("required"):
            assert response.has_header(header), f"{where} without header {header}"
    content = documented.get("content")
    if not content:
        assert not response.content, f"{where} with a body it documents as empty"
        return
    media_type = response.get("Content-Type", "").split(";")[0].strip()
    assert media_type in content, (
        f"{where} as {media_type!r}; documented: {', '.join(content)}"
    )
    if content[media_type].get("schema", {}).get("format") == "binary":
        assert response.content, f"{where} with an empty file"
        return  # a file (a report's CSV or XLSX): any bytes
    body = json.loads(response.content) if response.content else None
    validator = _validator(schema, content[media_type].get("schema", {}))
    errors = sorted(
        validator.iter_errors(body), key=lambda e: [str(p) for p in e.absolute_path]
    )
    if errors:
        lines = [f"  at {_where(e)}" for e in errors[:10]]
        raise AssertionError(
            f"{where}, but the body does not match the schema:\n"
            + "\n".join(lines)
            + f"\nBody: {body_text}"
        )


def request_problems(
    schema: dict, method: str, path_template: str, *, body=None, query=None
):
    """What the schema says is wrong with this request's body and query
    parameters (the values as sent, before they become query strings); an
    empty list when it accepts them."""
    op = operation(schema, method, path_template)
    problems = []
    if body is not None:
        content = op.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            problems.append("the operation documents no JSON request body")
        else:
            validator = _validator(schema, content["application/json"]["schema"])
            problems += [_where(e) for e in validator.iter_errors(body)]
    documented = {p["name"]: p for p in op.get("parameters", []) if p["in"] == "query"}
    for name, value in (query or {}).items():
        if name not in documented:
            problems.append(f"query parameter {name!r} is not documented")
            continue
        validator = _validator(schema, documented[name].get("schema", {}))
        problems += [
            f"{name}: {_short(e.message)}" for e in validator.iter_errors(value)
        ]
    return problems


def _where(error) -> str:
    return f"{'/'.join(map(str, error.absolute_path)) or '(body)'}: {_short(error.message)}"


def _short(message: str) -> str:
    """jsonschema repeats the whole instance; keep the verdict at the end."""
    return message if len(message) <= 200 else "..." + message[-160:]


_CACHE: dict[int, dict] = {}


def _validator(schema: dict, response_schema: dict):
    key = id(schema)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = {"components": to_json_schema(schema.get("components", {}))}
    root = {**to_json_schema(response_schema), **_CACHE[key]}
    return jsonschema.Draft202012Validator(root, format_checker=FORMATS)


def to_json_schema(node):
    """An OpenAPI 3.0 schema (or any part of a document) as JSON Schema."""
    if isinstance(node, list):
        return [to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: to_json_schema(v) for k, v in node.items()}
    for key in ("exclusiveMinimum", "exclusiveMaximum"):
        if out.get(key) is True:  # 3.0: a flag on minimum/maximum
            out[key] = out.pop("minimum" if key == "exclusiveMinimum" else "maximum")
        elif out.get(key) is False:
            del out[key]
    if (
        out.get("type") == "object"
        and "properties" in out
        and "additionalProperties" not in out
    ):
        out["additionalProperties"] = False
    if out.pop("nullable", False):
        if "type" in out:
            out["type"] = [out["type"], "null"]
            if "enum" in out and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out
