"""The connection resource: the seed's DELETE and everything that makes it usable."""
import sqlite3

from flask import jsonify, request, url_for
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import fields, validate

import connection_store as store
import profile_store
from api import (ETAG_HEADER, IF_MATCH, TIMESTAMP, blp, check_if_match, empty_ok,
                 reject_read_only_changes, with_etag)
from db import get_db, transaction
from problems import PROBLEM_CONTENT_TYPE, ConflictProblemSchema
from providers import (CAPABILITIES, PROVIDERS, Capability, mask, providers_with,
                       settings_errors)
from schemas import (PageQuerySchema, ReadBackSchema, RequestSchema, StrictBoolean,
                     alias_field, ma, name_field, parse_guid)

# A 409 lists the profiles in the way; past this many it lists the first ones and counts all.
IN_USE_LISTED = 100


class MaskedSettings(fields.Dict):
    """Every setting of the provider, secrets masked: no response can show a stored key."""
    def _serialize(self, value, attr, obj, **kwargs):
        provider = PROVIDERS[obj["providerId"]]
        return {s.alias: mask(value.get(s.alias)) if s.is_sensitive else value.get(s.alias)
                for s in provider.settings}


class ConnectionSummarySchema(ma.Schema):
    id = fields.UUID()
    alias = fields.String()
    name = fields.String()
    providerId = fields.String()
    isActive = fields.Boolean()
    dateCreated = fields.String(metadata=TIMESTAMP)
    dateModified = fields.String(metadata=TIMESTAMP)
    version = fields.Integer()


class ConnectionSchema(ConnectionSummarySchema):
    settings = MaskedSettings(keys=fields.String())


class ConnectionPageSchema(ma.Schema):
    items = fields.List(fields.Nested(ConnectionSummarySchema))
    total = fields.Integer()


class ConnectionCreateSchema(RequestSchema):
    alias = alias_field(required=True)
    name = name_field(required=True)
    providerId = fields.String(required=True, validate=validate.OneOf(
        list(PROVIDERS), error="Provider '{input}' not found"))
    isActive = StrictBoolean(load_default=True)
    settings = fields.Dict(keys=fields.String(), required=True)

    @ma.validates_schema
    def settings_suit_provider(self, data, **kwargs):
        errors = settings_errors(PROVIDERS[data["providerId"]], data["settings"])
        if errors:
            raise ma.ValidationError({"settings": errors})


class ConnectionUpdateSchema(ReadBackSchema):
    name = name_field()
    isActive = StrictBoolean()
    settings = fields.Dict(keys=fields.String())
    providerId = fields.String()  # read-only, like the ReadBackSchema fields


class ConnectionQuerySchema(PageQuerySchema):
    providerId = fields.String(validate=validate.Length(min=1, error="Provider ID must not be empty."))
    capability = Capability()


class ExistsQuerySchema(RequestSchema):
    excludeId = fields.UUID()


def connection_location(connection_id):
    return url_for("management.ConnectionById", id=connection_id)


def require_guid(segment):
    connection_id = parse_guid(segment)
    if connection_id is None:
        abort(404, detail=f"'{segment}' is not a connection ID: {request.method} "
                          f"/connections/{{id}} takes a connection GUID, not an alias.")
    return connection_id


def not_found(connection_id):
    # The seed's 404, to the letter: exactly type, title, status and detail. Profiles name
    # their connection with the same words.
    abort(404, detail=f"Connection with ID '{connection_id}' not found")


@blp.route("/connections")
class Connections(MethodView):
    @blp.arguments(ConnectionQuerySchema, location="query")
    @blp.response(200, ConnectionPageSchema)
    @blp.problems(400)
    def get(self, query):
        """List connections (no settings), ordered by name."""
        with transaction(immediate=False) as db:  # count and page from one snapshot
            items, total = store.page(
                db, skip=query["skip"], take=query["take"], name_filter=query.get("filter"),
                provider_id=query.get("providerId"),
                provider_ids=providers_with(query["capability"])
                if "capability" in query else None)
        return {"items": items, "total": total}

    @blp.arguments(ConnectionCreateSchema)
    @blp.response(201, ConnectionSchema, headers={
        **ETAG_HEADER, "Location": {"description": "URL of the new connection",
                                    "schema": {"type": "string"}}})
    @blp.problems(400, 413, 415, 503)
    def post(self, new):
        """Create a connection."""
        with transaction() as db:
            if store.alias_exists(db, new["alias"]):
                message = f"A connection with alias '{new['alias']}' already exists"
                abort(400, detail=message, errors={"alias": [message]})
            connection = store.insert(db, alias=new["alias"], name=new["name"],
                                      provider_id=new["providerId"], is_active=new["isActive"],
                                      settings=new["settings"])
        return with_etag(connection, 201, Location=connection_location(connection["id"]))


@blp.route("/connections/<id>")
class ConnectionById(MethodView):
    @blp.response(200, ConnectionSchema, headers=ETAG_HEADER)
    @blp.problems(404)
    @blp.doc(description="`id` may also be the connection's alias (case-insensitive).")
    def get(self, id):
        """Get a connection by GUID or alias; secrets are masked."""
        connection_id = parse_guid(id)
        if connection_id is None:
            connection = store.find(get_db(), alias=id.lower())
            if connection is None:
                abort(404, detail=f"Connection with alias '{id}' not found")
        else:
            connection = store.find(get_db(), connection_id=connection_id) or not_found(connection_id)
        return with_etag(connection)

    @blp.arguments(ConnectionUpdateSchema)
    @blp.response(200, ConnectionSchema, headers=ETAG_HEADER)
    @blp.problems(400, 404, 412, 413, 415, 503)
    @blp.doc(parameters=[IF_MATCH])
    def put(self, changes, id):
        """Update a connection's name, isActive or settings; other fields are left as they are."""
        connection_id = require_guid(id)
        with transaction() as db:
            current = store.find(db, connection_id=connection_id) or not_found(connection_id)
            reject_read_only_changes(changes, current, ("id", "alias", "providerId"))
            settings = current["settings"]
            if "settings" in changes:
                settings = keep_masked_secrets(current, changes["settings"])
            check_if_match(current)
            connection = store.update(
                db, connection_id, name=changes.get("name", current["name"]),
                is_active=changes.get("isActive", current["isActive"]), settings=settings)
        return with_etag(connection)

    @blp.response(200, description="Deleted; the body is empty.")
    @blp.alt_response(409, schema=ConflictProblemSchema, content_type=PROBLEM_CONTENT_TYPE,
                      description="Profiles still use the connection; nothing was deleted.")
    @blp.problems(404, 412, 503)
    @blp.doc(parameters=[IF_MATCH])
    def delete(self, id):
        """Delete a connection permanently, unless a profile still uses it."""
        connection_id = require_guid(id)
        with transaction() as db:
            current = store.find(db, connection_id=connection_id) or not_found(connection_id)
            check_if_match(current)
            refuse_if_in_use(db, current)
            try:
                store.delete(db, connection_id)
            except sqlite3.IntegrityError:
                # The foreign key (ON DELETE RESTRICT) refused it: same answer as the check.
                refuse_if_in_use(db, current)
                raise
        return empty_ok()


def refuse_if_in_use(db, connection):
    count, profiles = profile_store.using_connection(db, connection["id"], IN_USE_LISTED)
    if count:
        listed = "" if count <= IN_USE_LISTED else f" (the first {IN_USE_LISTED} are listed)"
        them = "them" if count > 1 else "it"
        abort(409, detail=f"Connection '{connection['alias']}' is in use by {count} "
                          f"profile{'s' if count > 1 else ''}{listed}; move or delete {them} "
                          f"first, or deactivate the connection instead.", profiles=profiles)


def keep_masked_secrets(current, sent):
    """A secret sent back as the mask we showed for it keeps the stored secret."""
    provider = PROVIDERS[current["providerId"]]
    settings = dict(sent)
    for setting in provider.settings:
        stored = current["settings"].get(setting.alias)
        if (setting.is_sensitive and stored is not None
                and settings.get(setting.alias) == mask(stored)):
            settings[setting.alias] = stored
    errors = settings_errors(provider, settings)
    if errors:
        abort(400, errors={"settings": errors})
    return settings


@blp.route("/connections/capabilities")
@blp.response(200, {"type": "array", "items": {"type": "string", "enum": list(CAPABILITIES)}})
def list_capabilities():
    """Capabilities offered by at least one active connection, sorted."""
    active = store.active_provider_ids(get_db())
    return jsonify(sorted({c for p in active for c in PROVIDERS[p].capabilities}))


@blp.route("/connections/<alias>/exists")
@blp.arguments(ExistsQuerySchema, location="query")
@blp.response(200, {"type": "boolean"})
@blp.problems(400)
def alias_exists(query, alias):
    """Whether a connection has this alias (case-insensitive), ignoring `excludeId`."""
    exclude = str(query["excludeId"]) if "excludeId" in query else None
    return jsonify(store.alias_exists(get_db(), alias.lower(), exclude))
