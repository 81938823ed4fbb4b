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
    """Base of every request schema: unknown fields and wrong types are named in the error."""

    # A body with a field the schema does not know is a 400; query strings are not bodies.
    REJECT_UNKNOWN = True
    error_messages = {"type": "Expected a JSON object."}

    class Meta:
        unknown = ma.EXCLUDE  # reported by reject_unknown_fields, with the field's name

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

    @ma.validates_schema(pass_original=True, skip_on_field_errors=False)
    def reject_unknown_fields(self, data, original, **kwargs):
        if not self.REJECT_UNKNOWN or not isinstance(original, dict):
            return
        known = {f.data_key or name for name, f in self.load_fields.items()}
        unknown = [key for key in original if key not in known]
        if unknown:
            raise ma.ValidationError({key: [f"Unknown field '{key}'."] for key in unknown})


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
    return fields.String(validate=validate_alias, **kwargs)


def validate_alias(value):
    if not 1 <= len(value) <= 100:
        raise ma.ValidationError("Alias must be 1 to 100 characters long.")
    if not ALIAS_PATTERN.match(value):
        raise ma.ValidationError(
            "Alias may contain only lowercase letters, digits and single hyphens between them.")
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


class PageQuerySchema(RequestSchema):
    REJECT_UNKNOWN = False

    skip = fields.Integer(load_default=0, validate=validate.Range(
        min=0, error="Skip must be 0 or more."))
    take = fields.Integer(load_default=100, validate=validate.Range(
        min=0, max=1000, error="Take must be between 0 and 1000."))
    filter = fields.String(validate=validate.Length(min=1, error="Filter must not be empty."))

