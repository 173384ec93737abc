"""The settings classes as the contract every deployment description is held against.

`chiso_core.settings` is the single statement of what each process needs: a field without a
default is a CHISO_* variable the deployment must provide, and a CHISO_* variable the class does
not know is a typo that would be silently ignored (the settings use extra="ignore").
tests/unit/test_compose.py holds docker-compose.yml to it, tests/unit/test_k8s.py the
Kubernetes manifests in deploy/k8s/.
"""

from collections.abc import Iterable, Mapping

from pydantic_settings import BaseSettings

from chiso_core.settings import (
    AlertsSettings,
    FeedsSettings,
    IngestSettings,
    MigrateSettings,
    RetentionSettings,
    ScoringSettings,
)

SETTINGS_PREFIX = "CHISO_"

# deployed process (compose service, Kubernetes workload) -> the settings class it reads
APP_SETTINGS: dict[str, type[BaseSettings]] = {
    "ingest": IngestSettings,
    "scoring": ScoringSettings,
    "alerts": AlertsSettings,
    "migrate": MigrateSettings,
    "feeds": FeedsSettings,
    "retention": RetentionSettings,
}
# the long-running services, each serving /healthz, /readyz and /metrics on its http_port
HTTP_SERVICES = ("ingest", "scoring", "alerts", "feeds")
# consumers scaled by adding replicas to their consumer group
SCALABLE_SERVICES = ("scoring", "alerts")


def env_name(settings: type[BaseSettings], field: str) -> str:
    """The environment variable a field of `settings` is read from."""
    prefix = str(settings.model_config.get("env_prefix") or "")
    return f"{prefix}{field}".upper()


def field_name(settings: type[BaseSettings], env: str) -> str | None:
    """The field of `settings` that environment variable `env` sets, or None if none does."""
    for name in settings.model_fields:
        if env_name(settings, name) == env.upper():
            return name
    return None


def required_env(settings: type[BaseSettings]) -> set[str]:
    """The variables `settings` has no default for."""
    return {
        env_name(settings, name)
        for name, field in settings.model_fields.items()
        if field.is_required()
    }


def known_env(settings: type[BaseSettings]) -> set[str]:
    """Every variable `settings` reads."""
    return {env_name(settings, name) for name in settings.model_fields}


def missing_required(settings: type[BaseSettings], env: Mapping[str, str | None]) -> list[str]:
    """Required variables of `settings` that `env` leaves unset or empty, sorted."""
    return sorted(name for name in required_env(settings) if not env.get(name))


def unknown_settings(settings: type[BaseSettings], names: Iterable[str]) -> list[str]:
    """The CHISO_* names among `names` that `settings` does not read, sorted."""
    known = known_env(settings)
    return sorted(
        {name for name in names if name.startswith(SETTINGS_PREFIX) and name not in known}
    )


def field_default(settings: type[BaseSettings], field: str) -> object:
    """The default of a field; fails if the field is unknown or required."""
    assert field in settings.model_fields, f"{settings.__name__} has no field {field!r}"
    info = settings.model_fields[field]
    assert not info.is_required(), f"{settings.__name__}.{field} has no default"
    return info.get_default(call_default_factory=True)


def http_port_default(settings: type[BaseSettings]) -> int:
    """The port a service listens on when CHISO_HTTP_PORT is not set."""
    port = field_default(settings, "http_port")
    assert isinstance(port, int), f"{settings.__name__}.http_port default is not an int"
    return port
