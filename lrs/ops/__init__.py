"""Running it in production: metrics, the JSON request log, gunicorn, availability."""
