"""Running in production: the real client address behind proxies, one log line per
request, health checks, and a 503 instead of a 500 while the database is away."""


def init_app(app):
    from . import health, outage, proxies, request_log

    proxies.init_app(app)
    request_log.init_app(app)
    outage.init_app(app)
    health.init_app(app)
