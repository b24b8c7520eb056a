"""The web app: ``copywatch serve`` (Starlette on uvicorn). See app.py for its security rules."""

from .app import create_app

__all__ = ["create_app"]
