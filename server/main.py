"""The ASGI application that `tabled serve` and uvicorn load."""

from .app import create_app

app = create_app()
