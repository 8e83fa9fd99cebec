"""Helpers shared by test packages that need more than the Flask test client."""
