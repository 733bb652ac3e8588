"""Test settings: the real settings module, with a test key and fast, unhashed static files."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-insecure-key")

from workshop_portal.settings import *  # noqa: E402,F403
from workshop_portal.settings import STORAGES  # noqa: E402

# Tests run without collectstatic; the live server serves files from the finders.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# With Redis (the PostgreSQL run, scripts/test-all), each pytest-xdist worker keeps its
# own keys and channel groups: the workers' databases number their rows alike.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
if REDIS_URL:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = f"tests-{_worker}"  # noqa: F405
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"tests-{_worker}"  # noqa: F405
