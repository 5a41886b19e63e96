"""gunicorn entry point: the only module that builds an app at import time."""

from werkzeug.middleware.proxy_fix import ProxyFix

from lawreq.app import create_app
from lawreq.pdf.warm import warm_up

app = create_app()
warm_up()  # each worker imports this module as it starts (no preload): the first user gets a warm renderer
app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
