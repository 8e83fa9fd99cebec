"""The coordinator API at /coordinator: the mentoring views as JSON and CSV."""
