"""PAdES signatures on issued documents: per-unit keys (``keys``), signing (``sign``), checking (``verify``).

Pure: no Flask. The app keeps one :class:`~lawreq.signing.keys.SigningKeys` in ``app.extensions["lawreq.signing"]``.
"""

from lawreq.signing.keys import KeyProblem, SigningError, SigningKeys, UnitKey

__all__ = ["KeyProblem", "SigningError", "SigningKeys", "UnitKey"]
