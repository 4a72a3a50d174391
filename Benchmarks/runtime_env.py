"""The environment every image runs with (Docker/runtime.env), for servers measured as deployed."""
from pathlib import Path

FILE = Path(__file__).resolve().parent.parent / "Docker/runtime.env"


def runtime_env():
    """Docker/runtime.env's variables: one VAR=value per line, `#` comments."""
    lines = (line.strip() for line in FILE.read_text().splitlines())
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
