from pathlib import Path

import pytest

from registry.config import ConfigurationError, load_config


def test_any_setting_can_be_overridden_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_config(tmp_path, "test")["PER_PAGE"] == 20
    monkeypatch.setenv("REGISTRY_PER_PAGE", "50")
    assert load_config(tmp_path, "test")["PER_PAGE"] == 50


def test_settings_read_from_the_environment_keep_the_type_of_their_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGISTRY_SECRET_KEY", "12e4")  # would be a number as JSON
    monkeypatch.setenv("REGISTRY_SMTP_PASSWORD", "1234")
    monkeypatch.setenv("REGISTRY_SMTP_STARTTLS", "no")
    monkeypatch.setenv("REGISTRY_SMTP_PORT", "25")
    monkeypatch.setenv("REGISTRY_PROXY_FIX_HOPS", "")
    settings = load_config(tmp_path, "test")
    assert (settings["SECRET_KEY"], settings["SMTP_PASSWORD"]) == ("12e4", "1234")
    assert settings["SMTP_STARTTLS"] is False
    assert (settings["SMTP_PORT"], settings["PROXY_FIX_HOPS"]) == (25, 0)
    monkeypatch.setenv("REGISTRY_PER_PAGE", "twenty")
    with pytest.raises(ConfigurationError, match="REGISTRY_PER_PAGE"):
        load_config(tmp_path, "test")


def test_documented_variables_set_the_extensions_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_DATABASE_URL", "postgresql+psycopg://registry@db/registry")
    monkeypatch.setenv("REGISTRY_REDIS_URL", "redis://cache:6379/0")
    settings = load_config(tmp_path, "test")
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://registry@db/registry"
    assert settings["RATELIMIT_STORAGE_URI"] == settings["CACHE_REDIS_URL"] == "redis://cache:6379/0"
    monkeypatch.setenv("REGISTRY_RATELIMIT_STORAGE_URL", "redis://limits:6379/1")
    assert load_config(tmp_path, "test")["RATELIMIT_STORAGE_URI"] == "redis://limits:6379/1"
