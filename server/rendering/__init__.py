"""Turning stored text into HTML pages, Markdown fragments and diffs."""
