"""Operating lawreq: request ids and the access log, health, metrics, limits shared across processes."""
