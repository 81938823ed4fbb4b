"""connections-api: the connection endpoints of the Umbraco.AI Management API on SQLite."""
import argparse
import os
import sys

from flask import Flask

import db
from api import MAX_BODY_BYTES, Api, blp


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        DATABASE=os.path.join(app.instance_path, "connections.sqlite"),
        API_TOKEN=None,
        ALLOW_ANONYMOUS=False,
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        API_TITLE="Umbraco.AI Management API (connections)",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
    )
    app.config.from_prefixed_env()  # FLASK_DATABASE=/tmp/x.sqlite and friends
    if test_config is not None:
        app.config.from_mapping(test_config)

    # "//" in a path would otherwise be a 308 redirect with an HTML body; make it a 404 problem.
    app.url_map.merge_slashes = False
    db.init_app(app)
    # Imported for their routes on the one management Blueprint.
    import connections  # noqa: F401
    import profiles  # noqa: F401
    import providers  # noqa: F401
    api = Api(app)
    api.register_blueprint(blp)
    return app


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--allow-anonymous", action="store_true",
                        help="serve a non-loopback address without an API token")
    args = parser.parse_args(argv)
    app = create_app({"ALLOW_ANONYMOUS": True} if args.allow_anonymous else None)

    import waitress
    print(f"connections-api on http://{args.host}:{args.port} "
          f"(database {app.config['DATABASE']})", file=sys.stderr, flush=True)
    waitress.serve(app, host=args.host, port=args.port, threads=8, ident="connections-api")


if __name__ == "__main__":
    main()
