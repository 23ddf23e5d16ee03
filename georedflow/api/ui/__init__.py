"""/ui/: the monitoring page; plain files, no build step.

The page itself is served without a token: it holds no data. Every call it makes
for data carries the operator's token in the X-Auth-Token header.
"""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    app.mount("/ui", StaticFiles(directory=STATIC, html=True), name="ui")
