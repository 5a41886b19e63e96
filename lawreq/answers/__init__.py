"""The provider's answer on file: uploaded files (checked, content-addressed) and the outcome per identifier."""
