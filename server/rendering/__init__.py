"""The views: the one Jinja2 environment and render(), page models, fragments and kept pages."""
