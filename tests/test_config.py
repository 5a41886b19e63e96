"""Configuration layering and start-up validation."""

import pytest

from lawreq.config import ConfigError, build_config, validate_config

SECRETS = {"SECRET_KEY": "s" * 40, "AUDIT_KEY": "a" * 40, "JWT_SECRET": "j" * 40}


def test_production_without_secret_names_the_missing_key(tmp_path):
    cfg = build_config(tmp_path, {"SECRET_KEY": "s" * 40, "JWT_SECRET": "j" * 40}, environ={})
    with pytest.raises(ConfigError, match="AUDIT_KEY: not set"):
        validate_config(cfg)


def test_short_secret_refused_in_production(tmp_path):
    cfg = build_config(tmp_path, {**SECRETS, "SECRET_KEY": "short"}, environ={})
    with pytest.raises(ConfigError, match="SECRET_KEY: too short"):
        validate_config(cfg)


def test_layers_defaults_then_instance_file_then_environment_then_overrides(tmp_path):
    (tmp_path / "lawreq.cfg").write_text('SMTP_PORT = 2525\nSMTP_FROM = "file@x"\nBASE_URL = "http://file"\n')
    cfg = build_config(tmp_path, {"BASE_URL": "http://override"},
                       environ={"LAWREQ_SMTP_FROM": "env@x", "LAWREQ_SESSION_IDLE_MINUTES": "15"})
    assert cfg["SMTP_PORT"] == 2525
    assert cfg["SMTP_FROM"] == "env@x"
    assert cfg["SESSION_IDLE_MINUTES"] == 15
    assert cfg["BASE_URL"] == "http://override"
    assert cfg["DATABASE_URL"] == f"sqlite:///{tmp_path / 'lawreq.sqlite'}"


@pytest.mark.parametrize("key,value,message", [
    ("DATABASE_URL", "mysql://x/y", "only sqlite and postgresql"),
    ("ENV", "staging", "ENV: must be"),
    ("SMTP_SECURITY", "tls", "SMTP_SECURITY: must be"),
    ("PASSWORD_HASH_PROFILE", "cheapest", "tests only"),
    ("JURISDICTIONS_DIR", "/nonexistent/rules", "JURISDICTIONS_DIR: /nonexistent/rules is not a directory"),
])
def test_bad_values_are_named(tmp_path, key, value, message):
    cfg = build_config(tmp_path, {**SECRETS, key: value}, environ={})
    with pytest.raises(ConfigError, match=message):
        validate_config(cfg)


def test_plain_smtp_refused_in_production(tmp_path):
    cfg = build_config(tmp_path, {**SECRETS, "SMTP_HOST": "mail", "SMTP_SECURITY": "none"}, environ={})
    with pytest.raises(ConfigError, match="clear text"):
        validate_config(cfg)


def test_production_cookie_is_host_prefixed_and_secure(app):
    from lawreq.app import create_app

    prod = create_app({**SECRETS, "ENV": "production", "DATABASE_URL": app.config["DATABASE_URL"]},
                      instance_path=app.instance_path)
    assert prod.config["SESSION_COOKIE_NAME"] == "__Host-lawreq"
    assert prod.config["SESSION_COOKIE_SECURE"] is True
    assert prod.config["SESSION_COOKIE_HTTPONLY"] is True
    assert prod.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert prod.debug is False
