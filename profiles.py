"""Profiles: a connection bound to a model for one use. They are what makes a connection
"in use", so DELETE /connections/{id} refuses to break them."""
import sqlite3

from flask import url_for
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import fields, validate

import connection_store
import profile_store as store
from api import (ETAG_HEADER, IF_MATCH, TIMESTAMP, blp, check_if_match, empty_ok,
                 reject_read_only_changes, with_etag)
from connections import not_found as connection_not_found
from db import transaction
from providers import CAPABILITIES, PROVIDERS, Capability
from schemas import (PageQuerySchema, ReadBackSchema, RequestSchema, StrictFloat, alias_field,
                     ma, name_field, parse_guid)

CHAT_ONLY = ("temperature", "maxTokens", "systemPromptTemplate")


class ModelSchema(RequestSchema):
    providerId = fields.String(required=True, validate=validate.Length(
        min=1, error="Provider ID must not be empty."))
    modelId = fields.String(required=True, validate=validate.Length(
        min=1, error="Model ID must not be empty."))


class ProfileSettingsSchema(RequestSchema):
    type = fields.String(data_key="$type", required=True, validate=validate.OneOf(
        ["chat", "embedding"], error="$type must be 'chat' or 'embedding'."))
    temperature = StrictFloat(allow_none=True, validate=validate.Range(
        0, 2, error="Temperature must be between 0 and 2."))
    maxTokens = fields.Integer(strict=True, allow_none=True, validate=validate.Range(
        min=1, error="Max tokens must be greater than 0."))
    systemPromptTemplate = fields.String(allow_none=True)

    @ma.validates_schema
    def embedding_takes_no_chat_settings(self, data, **kwargs):
        if data["type"] == "embedding":
            errors = {key: [f"{key} applies to chat settings only."] for key in CHAT_ONLY if key in data}
            if errors:
                raise ma.ValidationError(errors)

    @ma.post_load
    def complete(self, data, **kwargs):
        # Stored and returned whole: every chat setting, null when unset.
        if data["type"] == "chat":
            return {"$type": "chat", **{key: data.get(key) for key in CHAT_ONLY}}
        return {"$type": "embedding"}


class ProfileCreateSchema(RequestSchema):
    alias = alias_field(required=True)
    name = name_field(required=True)
    capability = Capability(required=True)
    model = fields.Nested(ModelSchema, required=True)
    connectionId = fields.UUID(required=True)
    settings = fields.Nested(ProfileSettingsSchema, allow_none=True, load_default=None)
    tags = fields.List(fields.String(), load_default=list)

    @ma.validates_schema
    def settings_suit_capability(self, data, **kwargs):
        errors = settings_type_errors(data["capability"], data.get("settings"))
        if errors:
            raise ma.ValidationError(errors)


class ProfileUpdateSchema(ReadBackSchema):
    name = name_field()
    model = fields.Nested(ModelSchema)
    connectionId = fields.UUID()
    settings = fields.Nested(ProfileSettingsSchema, allow_none=True)
    tags = fields.List(fields.String())
    capability = Capability()  # read-only, like the ReadBackSchema fields


class ProfileModelSchema(ma.Schema):
    providerId = fields.String()
    modelId = fields.String()


class ProfileSettingsOutSchema(ma.Schema):
    type = fields.String(data_key="$type", attribute="$type")
    temperature = fields.Float(allow_none=True)
    maxTokens = fields.Integer(allow_none=True)
    systemPromptTemplate = fields.String(allow_none=True)


class ProfileSchema(ma.Schema):
    id = fields.UUID()
    alias = fields.String()
    name = fields.String()
    capability = fields.String(metadata={"enum": list(CAPABILITIES)})
    model = fields.Nested(ProfileModelSchema)
    connectionId = fields.UUID()
    settings = fields.Nested(ProfileSettingsOutSchema, allow_none=True)
    tags = fields.List(fields.String())
    dateCreated = fields.String(metadata=TIMESTAMP)
    dateModified = fields.String(metadata=TIMESTAMP)
    version = fields.Integer()


class ProfilePageSchema(ma.Schema):
    items = fields.List(fields.Nested(ProfileSchema))
    total = fields.Integer()


class ProfileQuerySchema(PageQuerySchema):
    connectionId = fields.UUID()
    capability = Capability()


def settings_type_errors(capability, settings):
    """Messages for settings whose $type does not suit the capability; empty when it does."""
    if settings is None or settings["$type"] == capability.lower():
        return {}
    return {"settings": {"$type": [
        f"{capability} profiles take settings of $type '{capability.lower()}'."]}}


def find_or_404(db, id_or_alias):
    profile_id = parse_guid(id_or_alias)
    profile = (store.find(db, profile_id=profile_id) if profile_id
               else store.find(db, alias=id_or_alias.lower()))
    if profile is None:
        kind = "ID" if profile_id else "alias"
        abort(404, detail=f"Profile with {kind} '{profile_id or id_or_alias}' not found")
    return profile


def connection_for(db, connection_id, capability, model):
    """The profile's connection, checked against the profile: 404 if gone, 400 if unsuitable."""
    connection = connection_store.find(db, connection_id=connection_id)
    if connection is None:
        connection_not_found(connection_id)
    provider = PROVIDERS[connection["providerId"]]
    errors = {}
    if capability not in provider.capabilities:
        errors["capability"] = [f"Provider '{provider.id}' of connection '{connection['alias']}' "
                                f"does not support {capability}."]
    if model["providerId"] != provider.id:
        errors["model.providerId"] = [f"Model provider must be '{provider.id}', the provider of "
                                      f"connection '{connection['alias']}'."]
    if errors:
        abort(400, errors=errors)
    return connection


@blp.route("/profiles")
class Profiles(MethodView):
    @blp.arguments(ProfileQuerySchema, location="query")
    @blp.response(200, ProfilePageSchema)
    @blp.problems(400)
    def get(self, query):
        """List profiles, ordered by name."""
        with transaction(immediate=False) as db:
            items, total = store.page(
                db, skip=query["skip"], take=query["take"], name_filter=query.get("filter"),
                connection_id=str(query["connectionId"]) if "connectionId" in query else None,
                capability=query.get("capability"))
        return {"items": items, "total": total}

    @blp.arguments(ProfileCreateSchema)
    @blp.response(201, ProfileSchema, headers={
        **ETAG_HEADER, "Location": {"description": "URL of the new profile",
                                    "schema": {"type": "string"}}})
    @blp.problems(400, 404, 413, 415, 503)
    def post(self, new):
        """Create a profile on an existing connection."""
        connection_id = str(new["connectionId"])
        with transaction() as db:
            connection_for(db, connection_id, new["capability"], new["model"])
            if store.alias_exists(db, new["alias"]):
                message = f"A profile with alias '{new['alias']}' already exists"
                abort(400, detail=message, errors={"alias": [message]})
            try:
                profile = store.insert(db, alias=new["alias"], name=new["name"],
                                       capability=new["capability"], model=new["model"],
                                       connection_id=connection_id, settings=new["settings"],
                                       tags=new["tags"])
            except sqlite3.IntegrityError:
                # The connection vanished after the check: the foreign key refused the write.
                connection_not_found(connection_id)
        return with_etag(profile, 201, Location=url_for("management.ProfileByIdOrAlias",
                                                        idOrAlias=profile["id"]))


@blp.route("/profiles/<idOrAlias>")
class ProfileByIdOrAlias(MethodView):
    @blp.response(200, ProfileSchema, headers=ETAG_HEADER)
    @blp.problems(404)
    def get(self, idOrAlias):
        """Get a profile by GUID or alias."""
        with transaction(immediate=False) as db:
            return with_etag(find_or_404(db, idOrAlias))

    @blp.arguments(ProfileUpdateSchema)
    @blp.response(200, ProfileSchema, headers=ETAG_HEADER)
    @blp.problems(400, 404, 412, 413, 415, 503)
    @blp.doc(parameters=[IF_MATCH])
    def put(self, changes, idOrAlias):
        """Update a profile; it may move to another connection."""
        with transaction() as db:
            current = find_or_404(db, idOrAlias)
            reject_read_only_changes(changes, current, ("id", "alias", "capability"))
            connection_id = str(changes.get("connectionId", current["connectionId"]))
            model = changes.get("model", current["model"])
            settings = changes.get("settings", current["settings"])
            errors = settings_type_errors(current["capability"], settings)
            if errors:
                abort(400, errors=errors)
            connection_for(db, connection_id, current["capability"], model)
            check_if_match(current)
            try:
                profile = store.update(db, current["id"], name=changes.get("name", current["name"]),
                                       model=model, connection_id=connection_id,
                                       settings=settings, tags=changes.get("tags", current["tags"]))
            except sqlite3.IntegrityError:
                # The connection vanished after the check: the foreign key refused the write.
                connection_not_found(connection_id)
        return with_etag(profile)

    @blp.response(200, description="Deleted; the body is empty.")
    @blp.problems(404, 412, 503)
    @blp.doc(parameters=[IF_MATCH])
    def delete(self, idOrAlias):
        """Delete a profile."""
        with transaction() as db:
            current = find_or_404(db, idOrAlias)
            check_if_match(current)
            store.delete(db, current["id"])
        return empty_ok()
