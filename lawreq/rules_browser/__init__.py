"""Read-only pages over the loaded rules: a country's procedures, a provider's profile, two countries compared."""
