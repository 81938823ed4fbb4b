"""flask-smorest wiring: problem+json for every error, 400 for validation, one Blueprint."""
import http
import json
import math
import re
import sqlite3

import flask_smorest
from flask import current_app, request
from flask_smorest.utils import prepare_response
from webargs import core
from webargs.flaskparser import FlaskParser, abort
from werkzeug.exceptions import RequestEntityTooLarge

from problems import (PROBLEM_CONTENT_TYPE, ProblemSchema, from_database_error,
                      from_http_exception)

BASE_PATH = "/umbraco/ai/management/api/v1"
MAX_BODY_BYTES = 64 * 1024


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def _finite(text):
    # 1e999 parses as infinity, which no JSON response could carry back.
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is too large a number")
    return number


def parse_json_body(data):
    """The body as JSON that can be stored and sent back: UTF-8, finite numbers, and no
    unpaired surrogate escapes ("\\ud800"), which SQLite and UTF-8 output both refuse."""
    body = json.loads(data.decode("utf-8"), parse_constant=_reject_constant, parse_float=_finite)
    json.dumps(body, ensure_ascii=False).encode("utf-8")
    return body


class JsonBodyParser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 400

    def _raw_load_json(self, req):
        # Reading the body first makes an oversized one a 413 before its type is looked at.
        try:
            data = req.get_data(cache=True)
        except RequestEntityTooLarge as exc:
            abort(413, exc=exc, detail=f"The request body is larger than {MAX_BODY_BYTES // 1024} KiB.")
        if not core.is_json(req.mimetype):
            abort(415, detail="The request body must be JSON: send Content-Type: application/json.")
        try:
            return parse_json_body(data)
        except (UnicodeError, ValueError) as exc:
            abort(400, exc=exc, detail=f"The request body is not valid JSON: {exc}")
        except RecursionError as exc:
            abort(400, exc=exc, detail="The request body is not valid JSON: nested too deeply.")


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = JsonBodyParser()

    def problems(self, *statuses):
        """Document error responses (as the Api's problem+json components) on a view."""
        def decorator(func):
            for status in reversed(statuses):
                func = self.alt_response(status, response=http.HTTPStatus(status).name)(func)
            return func
        return decorator


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        super()._register_error_handlers()
        self._app.register_error_handler(sqlite3.Error, from_database_error)

    def handle_http_exception(self, error):
        return from_http_exception(error)

    def _register_responses(self):
        # flask-smorest documents errors as application/json; ours are problem+json.
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Any other error", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


ETAG_HEADER = {"ETag": {"description": 'The resource\'s version, quoted: `"3"`',
                        "schema": {"type": "string"}}}
IF_MATCH = {"in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
            "description": 'Act only if the current ETag (`"<version>"`) is listed, or `*`'}
TIMESTAMP = {"format": "date-time", "example": "2024-01-15T10:30:00Z"}


def with_etag(resource, status=200, **headers):
    """A view's return value: the resource, its status, and `ETag: "<version>"`."""
    return resource, status, {"ETag": f'"{resource["version"]}"', **headers}


# RFC 9110 If-Match: "*" or a list of entity tags; werkzeug's parser would also take bare words.
_IF_MATCH_SYNTAX = re.compile(r'\s*(\*|(W/)?"[^"]*"(\s*,\s*(W/)?"[^"]*")*)\s*')


def check_if_match(resource):
    """412 unless If-Match is absent, `*`, or lists the strong tag of the current version."""
    header = request.headers.get("If-Match")
    if header is None:
        return
    if not _IF_MATCH_SYNTAX.fullmatch(header) or not request.if_match.contains(str(resource["version"])):
        abort(412, detail=f"If-Match does not match the current ETag "
                          f"\"{resource['version']}\"; nothing was changed.")


def reject_read_only_changes(changes, current, keys):
    """400 naming each read-only field in `keys` sent with a value other than the stored one."""
    def unchanged(key):
        sent, stored = changes[key], current[key]
        if key == "id":
            return str(sent) == stored
        return sent.lower() == stored if key == "alias" else sent == stored
    errors = {key: [f"{key} cannot be changed (it is '{current[key]}')."]
              for key in keys if key in changes and not unchanged(key)}
    if errors:
        abort(400, errors=errors)


def empty_ok():
    response = current_app.response_class(status=200)
    del response.headers["Content-Type"]  # no body, so no type (as Umbraco answers)
    return response


blp = Blueprint("management", __name__, url_prefix=BASE_PATH,
                description="Umbraco.AI Management API: connections, providers and profiles")
