"""Admin pages: accounts (create, edit, deactivate, unlock, second factor, temporary password) and units.

Account creation itself is ``lawreq.auth.admin.create_user``, shared with the CLI and the demo seed; this package adds
the guards that only make sense with an acting admin (not on oneself, never the last admin) and the audit entries.
"""
