"""lawreq: cross-border electronic-evidence requests.

Importing this package must not build an app or touch a database; see ``lawreq.app.create_app``.
"""

__version__ = "0.1.0"
