"""Package data: Jinja templates."""
