"""Extensions, created unbound and attached in ``create_app`` (no app at import time)."""

from __future__ import annotations

from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from lawreq.ops.limits import SharedThrottle

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
#: Per-IP login attempts per minute, shared by every worker and host (a table, see lawreq.ops.limits).
login_throttle = SharedThrottle("login-ip")
