"""Run the web app with uvicorn: the secret from the environment, cases synced, then serve."""

from __future__ import annotations

import logging
import os
from typing import Any

from ..cases.service import CaseBook
from ..config import Config
from ..errors import ConfigError
from ..store import Store
from .app import create_app


def session_secret(config: Config) -> str:
    name = config.web.session_secret_env
    value = os.environ.get(name, "") if name else ""
    if len(value) < 32:
        raise ConfigError(
            f"{config.source}: [web] session_secret_env: the environment variable {name!r} must hold a"
            " secret of at least 32 characters"
            " (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
        )
    return value


def uvicorn_config(app: Any, host: str, port: int, log_level: str = "info") -> Any:
    """How copywatch runs uvicorn (shared with the tests, which serve the app in a thread)."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        proxy_headers=True,  # X-Forwarded-* from a reverse proxy on this machine only
        forwarded_allow_ips="127.0.0.1",
        server_header=False,
        lifespan="off",
        log_level=log_level,
        log_config=None,  # uvicorn's loggers go through copywatch's handler (text or --log-format json)
    )


def serve(config: Config, host: str | None = None, port: int | None = None) -> None:
    import uvicorn

    secret = session_secret(config)
    with Store(config.store_path) as store:
        CaseBook(store).sync()  # cases for what earlier scans found
    app = create_app(config, secret)
    ours = logging.getLogger("copywatch")
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = ours.handlers
        logger.setLevel(logging.INFO)
        logger.propagate = False
    uvicorn.Server(uvicorn_config(app, host or config.web.host, port or config.web.port)).run()
