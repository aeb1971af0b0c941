"""Every variable the settings and gunicorn read is documented for the operator."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def variables() -> set[str]:
    # proxies.py reads the proxy variables for both the settings and gunicorn.conf.py.
    settings = "".join(
        (ROOT / "newsroom" / name).read_text() for name in ("settings.py", "proxies.py")
    )
    gunicorn = (ROOT / "gunicorn.conf.py").read_text()
    return set(re.findall(r'env(?:\.\w+)?\("([A-Z_]+)"', settings)) | set(
        re.findall(r"environ\.get\([\"']([A-Z_]+)[\"']", gunicorn)
    )


def test_every_variable_is_in_env_example_and_readme():
    found = variables()
    assert {"DATABASE_URL", "CACHE_URL", "DJANGO_SECRET_KEY", "PORT"} <= found
    example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    assert sorted(v for v in found if v not in example) == []
    assert sorted(v for v in found if v not in readme) == []
