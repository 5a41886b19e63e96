"""The public verification page (``/verify``) and the check behind it and ``lawreq forms verify``."""
