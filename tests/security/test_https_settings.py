"""HTTPS settings from the environment, read in a fresh process as a server would."""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
# The production environment of README's "Deploying" section.
PRODUCTION = {
    "DJANGO_SECRET_KEY": "a-production-like-key-" + "k7mq-x2pd-r9ta-" * 4,
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://portal.example.org",
    "DJANGO_SECURE_COOKIES": "1",
    "DATABASE_URL": "sqlite://:memory:",
}


def run(args, env):
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PORTAL_")) and key != "DATABASE_URL"
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "workshop_portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_in(env, *names):
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps([getattr(settings, n, None) for n in {list(names)!r}]))"
    )
    result = run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_with_production_settings_has_no_warnings():
    result = run(["manage.py", "check", "--deploy"], PRODUCTION)
    assert (result.returncode, result.stdout.strip(), "WARNING" in result.stderr) == (
        0,
        "System check identified no issues (0 silenced).",
        False,
    )


def test_secure_cookies_switch_on_hsts_and_the_https_redirect():
    assert settings_in(
        PRODUCTION,
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_SECURE",
    ) == [True, 31536000, True, True]


def test_without_secure_cookies_there_is_no_redirect_and_no_hsts():
    env = {**PRODUCTION, "DJANGO_SECURE_COOKIES": "0"}
    assert settings_in(env, "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS") == [False, 0]


def test_proxy_header_is_not_trusted_by_default():
    assert settings_in(PRODUCTION, "SECURE_PROXY_SSL_HEADER", "BEHIND_PROXY") == [None, False]


def test_proxy_header_is_trusted_behind_a_proxy():
    env = {**PRODUCTION, "DJANGO_BEHIND_PROXY": "1"}
    assert settings_in(env, "SECURE_PROXY_SSL_HEADER", "BEHIND_PROXY", "PROXY_COUNT") == [
        ["HTTP_X_FORWARDED_PROTO", "https"],
        True,
        1,
    ]


def test_management_commands_run_without_a_secret_key():
    """migrate and makemigrations --check sign nothing: no key needed (imports that read
    SECRET_KEY, such as django-sesame's settings, stay inside the views)."""
    result = run(
        ["manage.py", "makemigrations", "--check", "--dry-run"],
        {"DATABASE_URL": "sqlite://:memory:"},
    )
    assert (result.returncode, result.stderr.count("ImproperlyConfigured")) == (0, 0)
