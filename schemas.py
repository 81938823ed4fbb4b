"""Marshmallow building blocks shared by every resource: strict JSON types, messages
that name their field, and the rules aliases and names follow everywhere."""
import re
import uuid

import marshmallow as ma
from marshmallow import fields, validate

ALIAS_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def label(name):
    """'providerId' -> 'Provider ID': field names as a sentence would say them."""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", name.split(".")[-1]).split()
    words = [{"id": "ID", "api": "API"}.get(w.lower(), w.lower()) for w in words]
    return " ".join(words)[:1].upper() + " ".join(words)[1:] if words else name


class StrictBoolean(fields.Boolean):
    """JSON true/false only: marshmallow's Boolean would take "yes", 1 or "0"."""
    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class StrictFloat(fields.Float):
    """A JSON number only, never a numeric string or a boolean."""
    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)


class Trimmed(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


_TYPE_WORDS = {fields.String: "a string", fields.Boolean: "true or false",
               fields.Integer: "an integer", fields.Float: "a number",
               fields.Dict: "an object", fields.List: "an array", fields.Nested: "an object",
               fields.UUID: "a GUID", fields.DateTime: "a date-time"}


class RequestSchema(ma.Schema):
    """Base of every request schema: unknown fields and wrong types are named in the error.

    An unknown field in a body is a 400 (and `additionalProperties: false` in the spec);
    webargs loads query strings with EXCLUDE, so unknown query parameters are ignored.
    """
    error_messages = {"type": "Expected a JSON object.", "unknown": "Unknown field."}

    class Meta:
        unknown = ma.RAISE

    def on_bind_field(self, field_name, field_obj):
        name = label(field_obj.data_key or field_name)
        type_word = next((w for t, w in _TYPE_WORDS.items() if isinstance(field_obj, t)), "valid")
        field_obj.error_messages = {
            **field_obj.error_messages,
            "required": f"{name} is required.",
            "null": f"{name} may not be null.",
            "invalid": f"{name} must be {type_word}.",
            "type": f"{name} must be {type_word}.",
            "invalid_uuid": f"{name} must be a GUID.",
        }


class ReadBackSchema(RequestSchema):
    """Read-only fields a GET returns, accepted on PUT so a client can send back what it got.

    The view compares the ones that name the resource (`id`, `alias`, and each resource's
    own) with the stored values: see api.reject_read_only_changes.
    """
    id = fields.UUID()
    alias = fields.String()
    dateCreated = fields.String()
    dateModified = fields.String()
    version = fields.Integer(strict=True)


def alias_field(**kwargs):
    # Length and pattern as validators, so the spec shows them too.
    return fields.String(validate=[
        validate.Length(1, 100, error="Alias must be 1 to 100 characters long."),
        validate.Regexp(ALIAS_PATTERN, error="Alias may contain only lowercase letters, digits "
                                             "and single hyphens between them."),
        not_a_guid], **kwargs)


def not_a_guid(value):
    if parses_as_guid(value):
        raise ma.ValidationError("Alias must not be a GUID.")


def name_field(**kwargs):
    return Trimmed(validate=validate.Length(1, 255, error="Name must be 1 to 255 characters long "
                                                          "(after trimming)."), **kwargs)


def parses_as_guid(value):
    try:
        uuid.UUID(value)
        return True
    except (ValueError, TypeError, AttributeError):
        return False


def parse_guid(value):
    """The canonical spelling of a GUID (lowercase, hyphenated), or None."""
    try:
        return str(uuid.UUID(value))
    except (ValueError, TypeError, AttributeError):
        return None


class QueryInteger(fields.Integer):
    """Digits only: int() would also take "+5", " 5", "1_0" and non-ASCII digits."""
    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not re.fullmatch(r"-?[0-9]+", value):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)


class PageQuerySchema(RequestSchema):
    skip = QueryInteger(load_default=0, validate=validate.Range(
        # SQLite's OFFSET is a signed 64-bit integer.
        min=0, max=2**63 - 1, error="Skip must be between 0 and 9223372036854775807."))
    take = QueryInteger(load_default=100, validate=validate.Range(
        min=0, max=1000, error="Take must be between 0 and 1000."))
    filter = fields.String(validate=validate.Length(min=1, error="Filter must not be empty."))

