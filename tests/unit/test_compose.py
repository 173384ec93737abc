"""docker-compose.yml held against the settings classes and the rules of the deployment.

The settings classes are the single statement of what each process needs: a field without a
default is a CHISO_* variable the compose file must set, and a CHISO_* variable the class does
not know is a typo that would be silently ignored (the settings use extra="ignore"). The contract
itself (which class each service reads, what it requires and knows) is tests/settings_contract.py,
shared with the Kubernetes manifests' test.
"""

import re
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, cast

import pytest
import yaml

from tests.settings_contract import (
    APP_SETTINGS,
    SCALABLE_SERVICES,
    known_env,
    missing_required,
    required_env,
    unknown_settings,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"

# ${NAME}, ${NAME:-default}, ${NAME-default}; other forms (${NAME:?err}) are left as they are
_INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::?-(?P<default>[^}]*))?\}")


# --- reading the compose file -------------------------------------------------------------


@cache
def _compose() -> dict[str, Any]:
    assert COMPOSE_FILE.is_file(), f"{COMPOSE_FILE.name} is missing at the repository root"
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{COMPOSE_FILE.name} is not a YAML mapping"
    return cast(dict[str, Any], data)


def _services() -> dict[str, dict[str, Any]]:
    services = _compose().get("services")
    assert isinstance(services, dict), f"{COMPOSE_FILE.name} has no `services` mapping"
    assert services, f"{COMPOSE_FILE.name} defines no services"
    return cast(dict[str, dict[str, Any]], services)


def _service(name: str) -> dict[str, Any]:
    services = _services()
    assert name in services, f"{COMPOSE_FILE.name} has no service {name!r}"
    service = services[name]
    assert isinstance(service, dict), f"service {name!r} is not a mapping"
    return service


def _with_defaults(text: str) -> str:
    """Interpolate ${VAR:-default} the way compose does when VAR is unset (host-independent)."""
    return _INTERPOLATION.sub(lambda m: m.group("default") or "", text).replace("$$", "$")


def _environment(service: dict[str, Any]) -> dict[str, str | None]:
    """`environment` as a mapping; accepts both the mapping and the list of "K=V" forms.

    A bare key (list item "K" or mapping value null) maps to None: compose passes it through
    from the host only if the host happens to set it.
    """
    env = service.get("environment") or {}
    if isinstance(env, dict):
        return {str(k): None if v is None else str(v) for k, v in env.items()}
    assert isinstance(env, list), f"environment must be a mapping or a list, not {env!r}"
    result: dict[str, str | None] = {}
    for item in env:
        key, sep, value = str(item).partition("=")
        result[key] = value if sep else None
    return result


# --- (a) CHISO_* variables against the settings classes -----------------------------------


def test_settings_classes_have_required_fields() -> None:
    # Guards the test itself: if no class had a required field, (a) would check nothing.
    assert any(required_env(cls) for cls in APP_SETTINGS.values()), (
        "no settings class has a required field; the compose check below is vacuous"
    )


@pytest.mark.parametrize("service_name", sorted(APP_SETTINGS))
def test_app_service_sets_every_required_setting(service_name: str) -> None:
    settings = APP_SETTINGS[service_name]
    env = _environment(_service(service_name))
    required = required_env(settings)
    missing = missing_required(settings, env)
    assert not missing, (
        f"service {service_name!r} must set {missing} in its `environment`: "
        f"{settings.__name__} has no default for them (required: {sorted(required)})"
    )


@pytest.mark.parametrize("service_name", sorted(APP_SETTINGS))
def test_app_service_sets_only_known_settings(service_name: str) -> None:
    settings = APP_SETTINGS[service_name]
    env = _environment(_service(service_name))
    known = known_env(settings)
    unknown = unknown_settings(settings, env)
    assert not unknown, (
        f"service {service_name!r} sets {unknown}, which {settings.__name__} does not read "
        f"(typo, or a setting of another service?); it knows {sorted(known)}"
    )


# --- (b) health checks --------------------------------------------------------------------


def test_every_service_has_a_healthcheck() -> None:
    problems: list[str] = []
    for name, service in _services().items():
        check = service.get("healthcheck")
        if not isinstance(check, dict):
            problems.append(f"{name}: no healthcheck")
            continue
        test = check.get("test")
        if check.get("disable") is True or not test or test in ("NONE", ["NONE"]):
            problems.append(f"{name}: healthcheck is disabled or has no test ({check!r})")
    assert not problems, "every service needs a working healthcheck:\n  " + "\n  ".join(problems)


# --- (c) host ports -----------------------------------------------------------------------


def _port_numbers(text: str, where: str) -> list[int]:
    first, _, last = text.partition("-")
    try:
        start = int(first)
        end = int(last) if last else start
    except ValueError:
        pytest.fail(f"{where}: cannot read a host port from {text!r}")
    return list(range(start, end + 1))


def _host_ports(entry: Any, where: str) -> list[tuple[int, str]]:
    """Host ports (with protocol) one `ports` entry publishes; [] if Docker picks them."""
    if isinstance(entry, dict):  # long syntax
        published = entry.get("published")
        if published is None or published == "":
            return []
        protocol = str(entry.get("protocol") or "tcp")
        numbers = _port_numbers(_with_defaults(str(published)), where)
        return [(port, protocol) for port in numbers]
    # short syntax: [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]
    text = _with_defaults(str(entry))
    text, _, protocol = text.partition("/")
    if text.startswith("["):  # [IPv6]:HOST_PORT:CONTAINER_PORT
        text = text[text.index("]") + 2 :]
    parts = text.split(":")
    if len(parts) < 2 or not parts[-2]:  # "8080" or "127.0.0.1::8080": an ephemeral host port
        return []
    return [(port, protocol or "tcp") for port in _port_numbers(parts[-2], where)]


def _published(service: dict[str, Any], name: str) -> list[tuple[int, str]]:
    ports = service.get("ports") or []
    assert isinstance(ports, list), f"{name}: `ports` must be a list"
    return [p for entry in ports for p in _host_ports(entry, f"{name}: ports {entry!r}")]


def test_host_port_parsing() -> None:
    assert _host_ports("8001:8001", "t") == [(8001, "tcp")]
    assert _host_ports("127.0.0.1:5432:5432", "t") == [(5432, "tcp")]
    assert _host_ports("[::1]:5432:5432/udp", "t") == [(5432, "udp")]
    assert _host_ports("${PORT:-3000}:3000", "t") == [(3000, "tcp")]
    assert _host_ports("9000-9001:9000-9001", "t") == [(9000, "tcp"), (9001, "tcp")]
    assert _host_ports("8080", "t") == []
    assert _host_ports(8080, "t") == []
    assert _host_ports({"target": 80, "published": "8080"}, "t") == [(8080, "tcp")]
    assert _host_ports({"target": 80, "published": 53, "protocol": "udp"}, "t") == [(53, "udp")]
    assert _host_ports({"target": 80}, "t") == []


def test_no_two_services_publish_the_same_host_port() -> None:
    # Stricter than Docker (which allows one port on two distinct host IPs): one port, one owner.
    owners: dict[tuple[int, str], list[str]] = {}
    for name, service in _services().items():
        for port in _published(service, name):
            owners.setdefault(port, []).append(name)
    clashes = {
        f"{port}/{proto}": names for (port, proto), names in owners.items() if len(names) > 1
    }
    assert not clashes, f"host ports published more than once: {clashes}"


@pytest.mark.parametrize("service_name", SCALABLE_SERVICES)
def test_scalable_service_can_run_replicas(service_name: str) -> None:
    service = _service(service_name)
    assert "container_name" not in service, (
        f"{service_name!r} sets container_name, so `docker compose up --scale "
        f"{service_name}=3` cannot create a second container"
    )
    published = _published(service, service_name)
    assert not published, (
        f"{service_name!r} publishes host ports {published}; replicas would clash on them "
        "(Prometheus reaches every replica over the compose network instead)"
    )


# --- (d) Kafka in KRaft mode --------------------------------------------------------------


def test_kafka_runs_in_kraft_mode_without_zookeeper() -> None:
    env = _environment(_service("kafka"))
    roles = {role.strip() for role in (env.get("KAFKA_PROCESS_ROLES") or "").split(",")}
    assert "controller" in roles, (
        f"kafka must run in KRaft mode: KAFKA_PROCESS_ROLES is "
        f"{env.get('KAFKA_PROCESS_ROLES')!r}, it must include 'controller'"
    )
    assert env.get("KAFKA_CONTROLLER_QUORUM_VOTERS") or env.get(
        "KAFKA_CONTROLLER_QUORUM_BOOTSTRAP_SERVERS"
    ), "kafka in KRaft mode needs KAFKA_CONTROLLER_QUORUM_VOTERS (or ..._BOOTSTRAP_SERVERS)"
    assert "KAFKA_ZOOKEEPER_CONNECT" not in env, "kafka must not be configured for ZooKeeper"
    zookeepers = [
        name
        for name, service in _services().items()
        if "zookeeper" in name.lower() or "zookeeper" in str(service.get("image", "")).lower()
    ]
    assert not zookeepers, f"no ZooKeeper in a KRaft stack, found services {zookeepers}"


# --- (e) build contexts and Dockerfiles ---------------------------------------------------


def _builds() -> Iterator[tuple[str, Path, Path | None, dict[str, str]]]:
    """(service, context dir, Dockerfile or None if inline, build args) of every build."""
    for name, service in _services().items():
        build = service.get("build")
        if build is None:
            continue
        spec: dict[str, Any] = {"context": build} if isinstance(build, str) else dict(build)
        context_text = _with_defaults(str(spec.get("context") or "."))
        remote = "://" in context_text or context_text.startswith("git@")
        assert not remote, f"{name}: remote build context {context_text!r}; build from the repo"
        context = (COMPOSE_FILE.parent / context_text).resolve()
        dockerfile: Path | None = None
        if "dockerfile_inline" not in spec:
            dockerfile = context / _with_defaults(str(spec.get("dockerfile") or "Dockerfile"))
        raw_args = spec.get("args") or {}
        if isinstance(raw_args, list):
            pairs = (str(item).partition("=") for item in raw_args)
            args = {key: value for key, _, value in pairs}
        else:
            args = {str(k): _with_defaults(str(v)) for k, v in dict(raw_args).items()}
        yield name, context, dockerfile, args


def test_build_contexts_and_dockerfiles_exist() -> None:
    problems: list[str] = []
    for name, context, dockerfile, _ in _builds():
        if not context.is_dir():
            problems.append(f"{name}: build context {context} is not a directory")
        elif dockerfile is not None and not dockerfile.is_file():
            problems.append(f"{name}: Dockerfile {dockerfile} does not exist")
    assert not problems, "\n".join(problems)


def _instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with line continuations joined and comments dropped."""
    result: list[tuple[str, str]] = []
    pending = ""
    for raw in dockerfile.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):  # comment lines inside a continuation
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        instruction, _, arguments = (pending + line).strip().partition(" ")
        result.append((instruction.upper(), arguments.strip()))
        pending = ""
    return result


def _final_stage(dockerfile: Path) -> list[tuple[str, str]]:
    instructions = _instructions(dockerfile)
    starts = [i for i, (instruction, _) in enumerate(instructions) if instruction == "FROM"]
    assert starts, f"{dockerfile.name} has no FROM"
    return instructions[starts[-1] :]


def _dockerfiles() -> list[Path]:
    files = sorted({d for _, _, d, _ in _builds() if d is not None and d.is_file()})
    assert files, f"{COMPOSE_FILE.name} builds no image from a Dockerfile"
    return files


def test_build_args_cover_the_dockerfile_args_without_default() -> None:
    problems: list[str] = []
    for name, _, dockerfile, args in _builds():
        if dockerfile is None or not dockerfile.is_file():
            continue
        needed = {
            arguments.split("=", 1)[0]
            for instruction, arguments in _instructions(dockerfile)
            if instruction == "ARG" and "=" not in arguments
        }
        missing = sorted(arg for arg in needed if not args.get(arg))
        if missing:
            problems.append(f"{name}: build args {missing} of {dockerfile.name} are not set")
    assert not problems, "\n".join(problems)


def test_dockerfiles_run_as_non_root_with_a_healthcheck() -> None:
    problems: list[str] = []
    for dockerfile in _dockerfiles():
        where = dockerfile.relative_to(REPO_ROOT)
        final = _final_stage(dockerfile)
        users = [arguments for instruction, arguments in final if instruction == "USER"]
        user = users[-1].split(":", 1)[0] if users else None
        if user is None:
            problems.append(f"{where}: the final stage has no USER (it would run as root)")
        elif user in ("root", "0"):
            problems.append(f"{where}: the final stage runs as USER {users[-1]}")
        checks = [arguments for instruction, arguments in final if instruction == "HEALTHCHECK"]
        if not checks or checks[-1].upper() == "NONE":
            problems.append(f"{where}: the final stage has no HEALTHCHECK")
    assert not problems, "\n".join(problems)


# --- (f) production: one door, no default secrets, limits, three brokers -------------------

PROXY = "proxy"
CADDYFILE = REPO_ROOT / "deploy/caddy/Caddyfile"
HA_ENV = REPO_ROOT / "deploy/compose/ha.env"
_SECRET = re.compile(r"PASSWORD|SECRET|TOKEN|_KEY$")
_ANY_INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<rest>[^}]*)\}")


def test_the_proxy_is_the_only_service_that_publishes_a_port() -> None:
    publishing = sorted(name for name, service in _services().items() if _published(service, name))
    assert publishing == [PROXY]
    assert {port for port, _ in _published(_service(PROXY), PROXY)} == {80, 443}


def test_no_secret_has_a_default() -> None:
    """A secret variable is required (${VAR:?…}) or, in an optional profile, left unset
    (${VAR}); a secret setting is never a literal."""
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    defaults = [
        m.group(0)
        for m in _ANY_INTERPOLATION.finditer(text)
        if _SECRET.search(m.group("name")) and m.group("rest")[:2] not in ("", ":?")
    ]
    assert not defaults, f"secrets with a default: {defaults}"
    literal = [
        f"{name}: {key}"
        for name, service in _services().items()
        for key, value in _environment(service).items()
        if _SECRET.search(key) and (value is None or "${" not in value)
    ]
    assert not literal, f"secret settings not taken from the environment: {literal}"
    required = {
        m.group("name")
        for m in _ANY_INTERPOLATION.finditer(text)
        if m.group("rest").startswith(":?")
    }
    assert {
        "POSTGRES_PASSWORD",
        "GRAFANA_ADMIN_PASSWORD",
        "GRAFANA_DB_PASSWORD",
        "CHISO_ACK_SECRET",
    } <= required


def test_every_service_has_cpu_and_memory_limits() -> None:
    missing = [
        name
        for name, service in _services().items()
        if not {"cpus", "memory"}
        <= set(((service.get("deploy") or {}).get("resources") or {}).get("limits") or {})
    ]
    assert not missing, f"services without deploy.resources.limits cpus and memory: {missing}"


def _ha_environment(name: str) -> dict[str, str]:
    """A service's environment as compose sees it with deploy/compose/ha.env."""
    ha = dict(
        line.split("=", 1)
        for line in HA_ENV.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    )

    def value(m: re.Match[str]) -> str:
        rest = m.group("rest")
        return ha.get(m.group("name")) or (rest[2:] if rest.startswith(":-") else "")

    return {
        k: _ANY_INTERPOLATION.sub(value, v or "") for k, v in _environment(_service(name)).items()
    }


def test_the_ha_profile_runs_three_kraft_brokers_replicating_three_times() -> None:
    brokers = [n for n, s in _services().items() if "kafka" in str(s.get("image", ""))]
    assert sorted(brokers) == ["kafka", "kafka-2", "kafka-3"]
    assert all(_service(n).get("profiles") == ["ha"] for n in ("kafka-2", "kafka-3"))
    envs = {n: _ha_environment(n) for n in brokers}
    voters = {env["KAFKA_CONTROLLER_QUORUM_VOTERS"] for env in envs.values()}
    assert len(voters) == 1
    ids = {v.split("@")[0]: v.split("@")[1].split(":")[0] for v in voters.pop().split(",")}
    assert ids == {env["KAFKA_NODE_ID"]: n for n, env in envs.items()}
    for env in envs.values():
        assert env["KAFKA_DEFAULT_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_MIN_INSYNC_REPLICAS"] == "2"
    for name in ("ingest", "scoring", "alerts"):
        env = _ha_environment(name)
        assert set(env["CHISO_KAFKA_BOOTSTRAP_SERVERS"].split(",")) == {
            f"{n}:9092" for n in brokers
        }
        assert env["CHISO_TOPIC_REPLICATION_FACTOR"] == "3"


def test_the_proxy_serves_each_service_on_its_port_and_hides_metrics() -> None:
    caddyfile = CADDYFILE.read_text(encoding="utf-8")
    for service in ("ingest", "alerts", "scoring", "grafana"):
        exposed = [str(p) for p in _service(service).get("expose") or []] or ["3000"]
        assert re.search(rf"reverse_proxy {{\$\w+_UPSTREAM:{service}:{exposed[0]}}}", caddyfile)
    assert caddyfile.count("import edge") == 4
    assert "respond /metrics* 404" in caddyfile


@pytest.mark.parametrize("tls", ["acme", "files"])
def test_caddy_accepts_the_caddyfile(tls: str, tmp_path: Path) -> None:
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("caddy is not installed (Debian package caddy) to validate the Caddyfile")
    # files mode loads the certificate: a throwaway self-signed pair
    openssl = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    subprocess.run(
        [
            *openssl,
            "-subj",
            "/CN=*.chiso.test",
            "-keyout",
            str(tmp_path / "tls.key"),
            "-out",
            str(tmp_path / "tls.crt"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    env = {"CHISO_DOMAIN": "chiso.test", "CADDY_TLS": tls, "CADDY_CERTS": str(tmp_path)}
    result = subprocess.run(
        [caddy, "validate", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        env={**env, "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_retention_and_backups_run_on_a_timer() -> None:
    retention = _service("retention")
    assert retention["command"][:2] == ["chiso", "retention"]
    assert "--every" in retention["command"]
    assert set(_environment(retention)) >= {
        "CHISO_DATABASE_URL",
        "CHISO_RETENTION_SCORE_YEARS",
        "CHISO_RETENTION_NOTIFICATION_LOG_DAYS",
        "CHISO_RETENTION_ALERT_EVENTS_DAYS",
    }
    backup = _service("backup")
    script = "\n".join(backup["entrypoint"])
    assert "pg_dump -Fc" in script
    assert "sleep" in script
    assert any(str(v).startswith("backups:/") for v in backup["volumes"])
