"""RFC 9457 problem details: the one shape of every error the service gives."""
import http
import re
import sqlite3

import marshmallow as ma
from flask import current_app, jsonify

PROBLEM_CONTENT_TYPE = "application/problem+json"

# The contract's `type` and `title` for each status (ASP.NET's, which Umbraco.AI runs on).
_TYPES = {
    400: ("rfc7231#section-6.5.1", "Bad Request"),
    401: ("rfc7235#section-3.1", "Unauthorized"),
    404: ("rfc7231#section-6.5.4", "Not Found"),
    405: ("rfc7231#section-6.5.5", "Method Not Allowed"),
    409: ("rfc7231#section-6.5.8", "Conflict"),
    412: ("rfc7232#section-4.2", "Precondition Failed"),
    413: ("rfc7231#section-6.5.11", "Payload Too Large"),
    415: ("rfc7231#section-6.5.13", "Unsupported Media Type"),
    500: ("rfc7231#section-6.6.1", "Internal Server Error"),
    503: ("rfc7231#section-6.6.4", "Service Unavailable"),
}

# Members the error handler reads from `abort(...)` data; the rest go into the body.
_CONTROL_KEYS = {"detail", "errors", "messages", "headers", "exc", "schema"}

# SQLite result codes meaning "cannot write right now", as opposed to a bug.
_UNAVAILABLE = {"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_READONLY", "SQLITE_FULL",
                "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_PROTOCOL"}

# What a client learns of a bug: nothing of it (the log has the traceback).
_INTERNAL_ERROR = "The service could not complete the request; the error has been logged."


class ProblemSchema(ma.Schema):
    """Documents (never dumps) the body of every error response."""
    type = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String(required=True)
    errors = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()),
        metadata={"description": "Field name (camelCase, dotted when nested) to messages"})


class ProfileReferenceSchema(ma.Schema):
    id = ma.fields.UUID(required=True)
    alias = ma.fields.String(required=True)
    name = ma.fields.String(required=True)


class ConflictProblemSchema(ProblemSchema):
    profiles = ma.fields.List(ma.fields.Nested(ProfileReferenceSchema))


def problem_body(status, detail, **extra):
    if status in _TYPES:
        section, title = _TYPES[status]
        problem_type = f"https://tools.ietf.org/html/{section}"
    else:  # RFC 9457: a problem with no more specific type than its status
        problem_type, title = "about:blank", http.HTTPStatus(status).phrase
    return {
        "type": problem_type,
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }


def problem_response(status, detail, headers=None, **extra):
    response = jsonify(problem_body(status, detail, **extra))
    response.status_code = status
    response.headers.extend(headers or {})
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def flatten_errors(messages, prefix=""):
    """webargs/marshmallow nest messages by field; the contract wants dotted names."""
    flat = {}
    for key, value in messages.items():
        name = f"{prefix}{key}" if key != "_schema" else prefix.rstrip(".")
        if isinstance(value, dict):
            flat.update(flatten_errors(value, f"{name}."))
        else:
            flat.setdefault(name, []).extend(value if isinstance(value, list) else [value])
    return flat


def _naming_the_field(field, messages):
    """One message as a sentence that says which field it is about."""
    message = messages[0]
    # "providerId" is named by "Provider ID ..." and by "Provider 'x' not found".
    name = field.split(".")[-1]
    first_word = re.split(r"(?<!^)(?=[A-Z])", name)[0]
    if not name.isdigit() and first_word.lower() in message.lower():
        return message  # "Alias is required.", "Unknown field 'colour'."
    return f"{field}: {message}"  # "tags.0: Not a valid string."


def from_http_exception(error):
    """Turn any werkzeug HTTPException (abort, routing, webargs) into a problem."""
    data = getattr(error, "data", None) or {}
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    headers.extend((data.get("headers") or {}).items())
    extra = {k: v for k, v in data.items() if k not in _CONTROL_KEYS}
    errors = data.get("errors")
    if errors is None and "messages" in data:
        # webargs keys messages by location ("json", "query"); the client knows none of that.
        errors = {}
        for location_messages in data["messages"].values():
            errors.update(location_messages if isinstance(location_messages, dict)
                          else {"": location_messages})
    detail = data.get("detail")
    if errors:
        errors = flatten_errors(errors)
        body_level = errors.pop("", None)
        if body_level:
            detail = detail or f"The request body is not acceptable: {body_level[0]}"
        if errors:
            extra["errors"] = errors
            detail = detail or _naming_the_field(*next(iter(errors.items())))
    if error.code >= 500 and error.code != 503:
        detail = _INTERNAL_ERROR
    return problem_response(error.code, detail or error.description, headers, **extra)


def from_database_error(error):
    """A database that cannot be written is a 503; any other database error is a bug."""
    # Extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED) share their base's meaning.
    base_code = "_".join(getattr(error, "sqlite_errorname", "").split("_")[:2])
    if base_code in _UNAVAILABLE:
        current_app.logger.warning("Database unavailable: %s", error)
        return problem_response(
            503, "The database is unavailable (locked, read-only or full); nothing was changed. "
                 "Try again later.", {"Retry-After": "5"})
    current_app.logger.exception("Database error")
    return problem_response(500, _INTERNAL_ERROR)
