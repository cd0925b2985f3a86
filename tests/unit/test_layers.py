"""The domains run without the web: importing every domain and text module, in a
fresh interpreter, loads neither FastAPI nor Starlette nor the page templates.
(`make lint` checks the whole layering statically, see pyproject.toml.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = [
    "accounts",
    "comments",
    "drafting",
    "notifications",
    "publishing",
    "themes",
    "workflow",
    "text",
]
PROBE = """
import importlib, json, pkgutil, sys
import server
loaded = []
for package in sys.argv[1:]:
    pkg = importlib.import_module(f"server.{package}")
    for info in pkgutil.iter_modules(pkg.__path__, prefix=f"server.{package}."):
        importlib.import_module(info.name)
        loaded.append(info.name)
web = [m for m in ("fastapi", "starlette", "server.rendering.templates", "server.routes")
       if m in sys.modules]
print(json.dumps({"loaded": loaded, "web": web}))
"""


def test_importing_every_domain_module_loads_nothing_of_the_web():
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *DOMAINS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert "server.workflow.service" in found["loaded"]  # the probe really imported them
    assert "server.comments.service" in found["loaded"]
    assert found["web"] == []
