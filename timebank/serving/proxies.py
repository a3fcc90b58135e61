"""Trust X-Forwarded-* from exactly TRUSTED_PROXIES proxies in front of the application.

With none (the default) the headers are ignored, so a client can't choose its own address.
With one or more, `request.remote_addr` is the address the nearest trusted proxy saw, which
is what the rate limits key on; a client can't step around them by sending its own header,
because only the last TRUSTED_PROXIES entries are believed.
"""

from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app):
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops < 0:
        raise RuntimeError("TRUSTED_PROXIES must be 0 or more.")
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
