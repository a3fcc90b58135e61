"""timebank: time banking for public services."""

from pathlib import Path

from flask import Flask

from config import load_config

from .database import configure_engine
from .extensions import csrf, db, limiter, login_manager, migrate


def create_app(config=None, **overrides):
    """Build the application. `config` is a config object or a name; `overrides` win."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_relative_config=True)
    if config is None or isinstance(config, str):
        config = load_config(config)
    app.config.from_object(config)
    app.config.update(overrides)
    app.json.sort_keys = False

    from .catalogs import compile_catalogs

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(
        compile_catalogs(Path(app.config.get("TRANSLATIONS_CACHE")
                              or Path(app.instance_path) / "translations"))))
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True,
                     compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)

    from . import cli, models  # noqa: F401  (models register their tables)

    cli.register(app)
    from . import api, mail_delivery, routing, serving, web

    routing.init_app(app)

    api.init_app(app)
    web.init_app(app)
    serving.init_app(app)
    mail_delivery.init_app(app)
    _register_error_handlers(app)
    return app


def _register_error_handlers(app):
    """Errors outside any page or endpoint (an address that matches nothing, a wrong method):
    problem+json under the API, a page of the site in the reader's language elsewhere."""
    from flask import request
    from werkzeug.exceptions import HTTPException

    from . import api
    from .web import errors as web_errors

    @app.errorhandler(HTTPException)
    def _http_error(error):
        if api.serves(request.path):
            return api.http_error(error)
        return web_errors.http_error(error)

    @app.errorhandler(Exception)
    def _unexpected(error):
        if isinstance(error, HTTPException):
            return _http_error(error)
        if api.serves(request.path):
            return api.unexpected(error)
        raise error


def _migrations_dir():
    return Path(__file__).resolve().parent.parent / "migrations"
