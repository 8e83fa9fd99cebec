"""Entry point for gunicorn: ``gunicorn wsgi:app`` (settings from the environment)."""

from lrs.app import create_app

app = create_app()
