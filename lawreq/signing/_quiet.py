"""pyHanko imports cryptography's DSA key types at import time, which cryptography 51 deprecates with a warning.

Nothing in lawreq uses DSA (its own keys are ECDSA P-256), so that warning says nothing to an operator;
it is silenced here, for that one message, while pyHanko is first imported. Import this module before pyHanko.
"""

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="DSA is deprecated", category=UserWarning)
    import pyhanko.sign  # noqa: F401
    import pyhanko.sign.validation  # noqa: F401
