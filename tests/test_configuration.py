"""The `halyq` command and the settings fail with one clear sentence, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from halyq.config.environment import database_from_url, env_bool

HALYQ = str(Path(sys.executable).parent / "halyq")


def run_halyq(*args, tmp_path, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update({"HALYQ_VAR_DIR": str(tmp_path), **env})
    return subprocess.run(
        [HALYQ, *args], capture_output=True, text=True, env=environment, timeout=120
    )


@pytest.mark.parametrize(
    "url", ["mysql://root@localhost/halyq", "not a url", "postgresql://localhost:5432/"]
)
def test_malformed_database_urls_are_refused_in_words(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url(url)


def test_sqlite_and_postgres_urls_are_understood():
    assert database_from_url("sqlite:////tmp/x.sqlite3")["ENGINE"] == "django.db.backends.sqlite3"
    config = database_from_url("postgresql://halyq:secret@db.example:5432/halyq")
    assert (config["ENGINE"], config["HOST"], config["NAME"]) == (
        "django.db.backends.postgresql",
        "db.example",
        "halyq",
    )


def test_yes_no_settings_refuse_nonsense(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", default=False)


def test_cli_names_a_malformed_database_url(tmp_path):
    result = run_halyq("migrate", tmp_path=tmp_path, DATABASE_URL="mysql://x/y")
    assert result.returncode == 2
    assert "DATABASE_URL='mysql://x/y' is not understood" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_names_an_unreachable_database(tmp_path):
    result = run_halyq(
        "migrate", tmp_path=tmp_path, DATABASE_URL="postgresql://nobody@127.0.0.1:1/none"
    )
    assert result.returncode == 2
    assert "The database could not be used" in result.stderr
    assert "Check DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_refuses_an_unmigrated_database(tmp_path):
    result = run_halyq("serve", "--noreload", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "Run `halyq migrate` first" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_to_start_without_a_real_secret(tmp_path):
    result = run_halyq(
        "check",
        tmp_path=tmp_path,
        DJANGO_SETTINGS_MODULE="halyq.config.settings.production",
        SECRET_KEY="short",
    )
    assert result.returncode == 2
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_a_pseudonym_key(tmp_path):
    result = run_halyq(
        "check",
        tmp_path=tmp_path,
        DJANGO_SETTINGS_MODULE="halyq.config.settings.production",
        SECRET_KEY="k" * 60,
    )
    assert result.returncode == 2
    assert "HALYQ_PSEUDONYM_KEY must be set" in result.stderr


def test_check_deploy_is_clean_with_a_production_environment(tmp_path):
    result = run_halyq(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        DJANGO_SETTINGS_MODULE="halyq.config.settings.production",
        SECRET_KEY="k" * 20 + "-production-secret-from-the-environment-!@#$%^&*()",
        ALLOWED_HOSTS="halyq.kz",
        HALYQ_PSEUDONYM_KEY="p" * 40,
        HALYQ_FIELD_ENCRYPTION_KEYS="kWXQFBLyQUXrXW2tqhWZtNi4DJAVA9Y1ij5TMNDT_Ho=",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_verify_runs_without_a_database_and_reports_a_missing_export(tmp_path):
    result = run_halyq(
        "verify", str(tmp_path / "nothing-here"), tmp_path=tmp_path, DATABASE_URL="mysql://x/y"
    )
    assert result.returncode == 1
    assert "is not a directory" in result.stdout
    assert "Traceback" not in result.stderr
