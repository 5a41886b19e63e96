"""Personal API tokens: created and revoked on the user's settings page, exchanged for access tokens by the API."""
