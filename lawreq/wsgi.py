"""gunicorn entry point: the only module that builds an app at import time."""

from werkzeug.middleware.proxy_fix import ProxyFix

from lawreq.app import create_app

app = create_app()
app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
