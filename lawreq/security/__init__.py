"""Security primitives that do not belong to one area: today, the JWT wrapper (``tokens``)."""
