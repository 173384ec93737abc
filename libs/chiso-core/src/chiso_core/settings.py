"""Settings read from CHISO_* environment variables.

Each service composes the groups it needs; a field without a default is required, and the
docker-compose test holds the compose file against exactly those.
"""

from pathlib import Path

from pydantic import Field, IPvAnyNetwork, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict


class _Base(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHISO_", extra="ignore")


def _groups(cls: type[_Base]) -> set[str]:
    return {cls.__name__}.union(*(_groups(sub) for sub in cls.__subclasses__()))


def is_settings_error(error: ValidationError) -> bool:
    """Whether the error is about CHISO_* variables rather than a file or a request."""
    return error.title in _groups(_Base)


def settings_problem(error: ValidationError) -> str:
    """One line naming each variable that is missing or wrong, Vietnamese first."""
    parts = []
    for problem in error.errors():
        name = "CHISO_" + "_".join(str(p) for p in problem["loc"]).upper()
        if problem["type"] == "missing":
            parts.append(f"thiếu biến môi trường {name} / {name} is not set")
        else:
            parts.append(f"{name} không hợp lệ / {name} is invalid: {problem['msg']}")
    return "; ".join(parts)


class LogSettings(_Base):
    log_level: str = "INFO"
    log_json: bool = Field(default=True, description="JSON lines (production) or console output")


class BrokerSettings(_Base):
    kafka_bootstrap_servers: str = Field(description="host:port[,host:port…] of the Kafka brokers")
    topic_partitions: int = Field(default=3, ge=1, description="partitions of topics created here")
    topic_replication_factor: int = Field(default=1, ge=1)


class DatabaseSettings(_Base):
    database_url: str = Field(description="libpq URL of the TimescaleDB database")
    db_pool_min_size: int = Field(default=1, ge=1)
    db_pool_max_size: int = Field(default=4, ge=1)
    db_timeout_s: float = Field(
        default=4,
        gt=0,
        le=30,
        description="how long a request waits for the database (a connection, then an answer) "
        "before it is answered 503 with Retry-After",
    )


class CatalogSettings(_Base):
    catalog_dir: Path = Field(default=Path("catalog"), description="folder holding indicators.yaml")


class CatalogReaderSettings(_Base):
    catalog_ttl_s: float = Field(
        default=30,
        gt=0,
        description="how often a service asks whether a load changed the catalog (and reads it"
        " again only then)",
    )


class HttpSettings(_Base):
    http_host: str = "127.0.0.1"
    http_port: int = Field(ge=1, le=65535)
    max_body_bytes: int = Field(default=1_048_576, ge=1024, description="request body size limit")
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="proxies trusted to name the client in X-Forwarded-For (addresses or "
        "networks, comma-separated; * for any peer): behind a proxy every request otherwise "
        "comes from the proxy's address, and one client's failed keys throttle everyone",
    )


class AuthSettings(_Base):
    key_cache_s: float = Field(
        default=5,
        ge=0,
        description="how long a looked-up API key is trusted (a revoked key "
        "works at most this long)",
    )
    auth_failures_max: int = Field(
        default=20, ge=1, description="failed authentications a client address may make per window"
    )
    auth_failure_window_s: float = Field(
        default=60,
        gt=0,
        description="the window; past the limit the address gets 429 until it ends",
    )


class IntakeSettings(_Base):
    """What every way a figure comes in (API, files, feeds) shares."""

    publish_timeout_s: float = Field(
        default=10, gt=0, description="how long a request waits for the broker's acknowledgement"
    )
    held_ttl_s: float = Field(
        default=14 * 86_400,
        gt=0,
        description="how long a figure held as unusual waits for its confirmation (then it is "
        "dropped: sent again, it is weighed again)",
    )


class _IntakeService(
    HttpSettings,
    BrokerSettings,
    DatabaseSettings,
    CatalogReaderSettings,
    IntakeSettings,
    LogSettings,
):
    """A process that takes figures in: the API or the feed poller."""


class IngestSettings(_IntakeService, AuthSettings):
    http_port: int = 8001
    max_items: int = Field(default=5000, ge=1, description="observations per request")
    rate_limit_per_s: float = Field(
        default=20, gt=0, description="requests per second per API key, in each replica"
    )
    rate_limit_burst: int = Field(default=50, ge=1, description="requests a key may send at once")
    idempotency_ttl_s: float = Field(
        default=86_400, gt=0, description="how long the answer to an Idempotency-Key is kept"
    )
    file_max_rows: int = Field(default=20_000, ge=2, description="rows an upload may have")
    file_max_columns: int = Field(
        default=64, ge=6, description="columns of an upload that are read; the rest are not"
    )
    file_max_cell_chars: int = Field(default=4096, ge=64, description="characters in a cell")
    file_max_unpacked_bytes: int = Field(
        default=16 << 20, ge=1 << 20, description="what an .xlsx workbook may unpack to"
    )
    file_read_budget_s: float = Field(
        default=10, gt=0, description="how long reading one upload may take"
    )
    file_readers: int = Field(default=2, ge=1, description="threads reading uploads")
    file_queue: int = Field(default=8, ge=0, description="uploads waiting for a reader before 503")


class FeedsSettings(_IntakeService):
    http_port: int = 8004
    feeds_dir: Path = Field(description="folder of feed configurations (*.yaml), see docs/feeds.md")


_CONSUMERS = (
    "members of the consumer group in each process, each with partitions of its own, their "
    "batches handled side by side"
)


class ConsumerSettings(HttpSettings, BrokerSettings, DatabaseSettings, LogSettings):
    group_id: str = Field(
        description="consumer group: replicas with the same id share the partitions"
    )
    batch_max_records: int = Field(default=1000, ge=1)
    batch_timeout_ms: int = Field(default=200, ge=1)
    consumers: int = Field(
        default=1,
        ge=1,
        description=_CONSUMERS,
    )
    lag_interval_s: float = Field(
        default=15, gt=0, description="how often the group's consumer lag is read (/metrics)"
    )


class ScoringSettings(ConsumerSettings, CatalogReaderSettings, AuthSettings):
    http_port: int = 8002
    group_id: str = "chiso-scoring"
    # larger than the consumers' default: a batch spreads its queries, roll-ups and commit over
    # more figures, and judges in turns (chiso_core.turns), so the API waits a turn, not a batch
    batch_max_records: int = Field(default=5000, ge=1)
    # A batch holds one partition's records and waits on the database about a third of its
    # time: a second consumer's batch uses the process meanwhile (docs/operations.md, Capacity).
    consumers: int = Field(
        default=2,
        ge=1,
        description=_CONSUMERS,
    )
    db_pool_max_size: int = Field(
        default=6,
        ge=1,
        description="database connections: each consumer's batch takes up to `scoring_lanes`, "
        "the API the rest",
    )
    public_scorecards: bool = Field(
        default=False,
        description="true: anyone may read scores and scorecards; false: a key with the "
        "'read' permission is required",
    )
    scoring_lanes: int = Field(
        default=2,
        ge=1,
        description="parts of a batch (by province and indicator) stored and judged side by"
        " side, each on a database connection of its own: the database works on one while the"
        " process judges another",
    )


class AlertsSettings(ConsumerSettings, CatalogReaderSettings, AuthSettings):
    http_port: int = 8003
    group_id: str = "chiso-alerts"
    alert_rules_file: Path | None = Field(
        default=None, description="per-indicator rule parameters (YAML), see docs/alerts.md"
    )
    external_url: str = Field(
        default="http://127.0.0.1:8002/scorecard",
        description="where a reader of a notification opens chiso, for links: Grafana's address, "
        "or the scoring service's live scorecard (ending in /scorecard) where no Grafana runs",
    )
    sweep_interval_s: float = Field(
        default=300, gt=0, description="how often the stale sweep looks for silent series"
    )
    dispatch_interval_s: float = Field(
        default=1, gt=0, description="how often due groups and the outbox are looked at"
    )
    delivery_timeout_s: float = Field(default=10, gt=0, description="per webhook / SMTP attempt")
    delivery_max_age_s: float = Field(
        default=259_200, gt=0, description="a notification still failing after this is given up"
    )
    webhook_allow_nets: list[IPvAnyNetwork] = Field(
        default=[],
        description='private or loopback networks webhooks may reach, e.g. ["10.0.0.0/8"]',
    )
    smtp_host: str | None = Field(default=None, description="SMTP server for email subscriptions")
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_sender: str = "chiso <alerts@localhost>"
    grafana_url: str | None = Field(
        default=None, description="Grafana to annotate with firing and resolved alerts"
    )
    grafana_token: SecretStr | None = Field(
        default=None, description="a Grafana service-account token"
    )
    ack_url: str | None = Field(
        default=None,
        description="where a reader of a notification reaches the alerts service, for the "
        "signed acknowledgement links (e.g. https://chiso.example.vn/alerts); none: no links",
    )
    ack_secret: SecretStr | None = Field(
        default=None,
        description="signs acknowledgement links (HMAC-SHA256), at least 32 characters; "
        "changing it voids the links already sent",
        min_length=32,
    )
    ack_link_ttl_s: float = Field(
        default=7 * 86_400, gt=0, description="how long an acknowledgement link stays valid"
    )
    escalate_interval_s: float = Field(
        default=60, gt=0, description="how often unacknowledged alerts are looked at to escalate"
    )
    explanation_due_s: float = Field(
        default=3 * 86_400,
        gt=0,
        description="how long a target's owner has to explain a target gone off track before "
        "ExplanationOverdue reminds it",
    )
    report_reminder_days: int = Field(
        default=7,
        ge=0,
        description="how many days before a figure's due date ReportDue reminds its owner",
    )


class MigrateSettings(DatabaseSettings, CatalogSettings, LogSettings):
    pass


class RetentionSettings(DatabaseSettings, LogSettings):
    """`chiso retention`: how long what may go is kept (docs/operations.md, "Retention")."""

    retention_score_years: int = Field(
        default=15, ge=1, description="scores of periods older than this are dropped (by chunk)"
    )
    retention_notification_log_days: int = Field(default=180, ge=1)
    retention_alert_events_days: int = Field(default=730, ge=1)


class GrafanaSettings(_Base):
    """`chiso grafana publish`."""

    grafana_url: str = Field(
        description="the Grafana to publish to; user:password in it when no token is given"
    )
    grafana_token: SecretStr | None = Field(
        default=None, description="a Grafana service-account token (Editor or Admin)"
    )
    grafana_timeout_s: float = Field(default=30, gt=0, description="per request to Grafana")


class ReportSettings(DatabaseSettings):
    """`chiso report`."""

    chromium: str = Field(
        default="chromium", description="the headless Chromium that prints the PDF"
    )
    report_timeout_s: float = Field(default=120, gt=0, description="how long printing may take")
