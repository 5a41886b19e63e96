"""Extensions, created unbound and attached in ``create_app`` (no app at import time)."""

from __future__ import annotations

from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from lawreq.auth.services import IpThrottle

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
login_throttle = IpThrottle()
