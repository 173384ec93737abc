"""The Kubernetes manifests in deploy/k8s/ held against the settings classes and the rules of the
deployment, by parsing them (no cluster, no kustomize binary).

What each workload must and may set comes from tests/settings_contract.py, the contract
docker-compose.yml is held to as well. A variable is "provided" to a container by its `env`
(a literal value, or a key of a ConfigMap or Secret) or by `envFrom` a ConfigMap, whose data is
read from the manifests themselves.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

import pytest
import yaml

from tests.settings_contract import (
    APP_SETTINGS,
    HTTP_SERVICES,
    SCALABLE_SERVICES,
    SETTINGS_PREFIX,
    field_default,
    field_name,
    http_port_default,
    known_env,
    missing_required,
    required_env,
    unknown_settings,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
K8S_DIR = REPO_ROOT / "deploy" / "k8s"
KUSTOMIZATION = K8S_DIR / "kustomization.yaml"

NAMESPACE = "chiso"
PART_OF = ("app.kubernetes.io/part-of", "chiso")
# the workload that runs each process of APP_SETTINGS: (kind, name)
WORKLOADS: dict[str, tuple[str, str]] = {
    "ingest": ("Deployment", "chiso-ingest"),
    "scoring": ("Deployment", "chiso-scoring"),
    "alerts": ("Deployment", "chiso-alerts"),
    "migrate": ("Job", "chiso-migrate"),
    "feeds": ("Deployment", "chiso-feeds"),
    "retention": ("CronJob", "chiso-retention"),
}
# the image each one runs (built from deploy/docker/service.Dockerfile with SERVICE=...) and its
# command; migrations live in chiso-core, which the scoring image carries
IMAGES = {
    "ingest": "chiso/ingest",
    "scoring": "chiso/scoring",
    "alerts": "chiso/alerts",
    "migrate": "chiso/scoring",
    "feeds": "chiso/ingest",  # the feed adapters are part of the ingest service
    "retention": "chiso/scoring",
}
COMMANDS = {
    "ingest": ["chiso", "ingest", "serve"],
    "scoring": ["chiso", "scoring", "serve"],
    "alerts": ["chiso", "alerts", "serve"],
    "migrate": ["sh", "-c", "chiso migrate && chiso catalog load"],
    "feeds": ["chiso", "ingest", "feeds"],
    "retention": ["chiso", "retention"],
}
# where each secret setting comes from: Secret name, key (created by hand, never committed),
# and the workloads that must read it (none named: every workload that sets it)
SECRET_SETTINGS = {
    "CHISO_DATABASE_URL": ("chiso-database", "url", ()),
    # signs the acknowledgement links in notifications
    "CHISO_ACK_SECRET": ("chiso-alerts", "ack-secret", ("alerts",)),
}
# the uid the image's user has (deploy/docker/service.Dockerfile)
IMAGE_UID = 10001
# the address the services must bind in a pod (the settings default 127.0.0.1 is unreachable)
ALL_INTERFACES = "0.0.0.0"  # noqa: S104
# consumers finish (or give up) their batch before they are killed
MIN_CONSUMER_GRACE_S = 30

POD_TEMPLATE_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job")


# --- reading the manifests ----------------------------------------------------------------


@dataclass(frozen=True)
class Manifest:
    source: str  # file name inside deploy/k8s, and the document's index in it
    doc: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.doc.get("kind"))

    @property
    def name(self) -> str:
        return str((self.doc.get("metadata") or {}).get("name"))

    def __str__(self) -> str:
        return f"{self.kind}/{self.name} ({self.source})"


def _mapping(value: Any, where: str) -> dict[str, Any]:
    assert isinstance(value, dict), f"{where}: expected a mapping, found {value!r}"
    return cast(dict[str, Any], value)


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    assert isinstance(value, list), f"{where}: expected a list, found {value!r}"
    return value


@cache
def _kustomization() -> dict[str, Any]:
    assert KUSTOMIZATION.is_file(), f"{KUSTOMIZATION.relative_to(REPO_ROOT)} is missing"
    data = yaml.safe_load(KUSTOMIZATION.read_text(encoding="utf-8"))
    return _mapping(data, KUSTOMIZATION.name)


def _listed_resources() -> list[str]:
    resources = _list(_kustomization().get("resources"), f"{KUSTOMIZATION.name}: resources")
    assert resources, f"{KUSTOMIZATION.name} lists no resources"
    return [str(entry) for entry in resources]


@cache
def _manifests() -> tuple[Manifest, ...]:
    """Every document of every file the kustomization lists, in order."""
    result: list[Manifest] = []
    for entry in _listed_resources():
        path = K8S_DIR / entry
        assert path.is_file(), f"{KUSTOMIZATION.name} lists {entry!r}, which is not a file here"
        documents = yaml.safe_load_all(path.read_text(encoding="utf-8"))
        for index, doc in enumerate(documents):
            if doc is None:  # an empty document (a stray `---`)
                continue
            where = f"{entry}#{index}"
            manifest = Manifest(where, _mapping(doc, where))
            assert manifest.doc.get("apiVersion"), f"{where} has no apiVersion"
            assert manifest.doc.get("kind"), f"{where} has no kind"
            assert (manifest.doc.get("metadata") or {}).get("name"), f"{where} has no name"
            result.append(manifest)
    assert result, f"the files {KUSTOMIZATION.name} lists hold no manifests"
    return tuple(result)


def _of_kind(kind: str) -> list[Manifest]:
    return [m for m in _manifests() if m.kind == kind]


def _one(kind: str, name: str) -> Manifest:
    found = [m for m in _of_kind(kind) if m.name == name]
    assert found, f"no {kind} named {name!r} in {K8S_DIR.relative_to(REPO_ROOT)}"
    assert len(found) == 1, f"{kind}/{name} is defined {len(found)} times: {found}"
    return found[0]


def _config_map_data(name: str, where: str) -> dict[str, Any]:
    found = [m for m in _of_kind("ConfigMap") if m.name == name]
    if not found:
        pytest.fail(f"{where} refers to ConfigMap {name!r}, which no manifest defines")
    return _mapping(found[0].doc.get("data") or {}, f"ConfigMap {name} data")


def _pod_template(manifest: Manifest) -> dict[str, Any]:
    spec = _mapping(manifest.doc.get("spec"), f"{manifest} spec")
    if manifest.kind == "CronJob":
        job_template = _mapping(spec.get("jobTemplate"), f"{manifest} jobTemplate")
        spec = _mapping(job_template.get("spec"), f"{manifest} jobTemplate spec")
    return _mapping(spec.get("template"), f"{manifest} template")


def _pod_spec(manifest: Manifest) -> dict[str, Any]:
    return _mapping(_pod_template(manifest).get("spec"), f"{manifest} pod spec")


def _pod_metadata(manifest: Manifest, key: str) -> dict[str, Any]:
    """The pod template's labels or annotations."""
    metadata = _mapping(_pod_template(manifest).get("metadata") or {}, f"{manifest} metadata")
    return _mapping(metadata.get(key) or {}, f"{manifest} pod {key}")


def _pod_labels(manifest: Manifest) -> dict[str, Any]:
    return _pod_metadata(manifest, "labels")


def _workloads() -> Iterator[Manifest]:
    """Every manifest that runs pods."""
    for manifest in _manifests():
        if manifest.kind in (*POD_TEMPLATE_KINDS, "CronJob"):
            yield manifest


def _containers(pod_spec: dict[str, Any], where: str) -> list[dict[str, Any]]:
    containers = [
        _mapping(c, where)
        for key in ("initContainers", "containers")
        for c in _list(pod_spec.get(key), f"{where} {key}")
    ]
    assert containers, f"{where} runs no container"
    return containers


def _workload(service: str) -> Manifest:
    return _one(*WORKLOADS[service])


def _app_container(service: str) -> dict[str, Any]:
    """The one container of a service's workload (a sidecar would need its own contract)."""
    manifest = _workload(service)
    containers = _list(_pod_spec(manifest).get("containers"), f"{manifest} containers")
    assert len(containers) == 1, f"{manifest} must run exactly one container"
    return _mapping(containers[0], f"{manifest} container")


# --- what a container is given ------------------------------------------------------------


def _secret_marker(name: str, key: str) -> str:
    return f"<Secret {name} key {key}>"


def _value_from(ref: dict[str, Any], where: str) -> str | None:
    """A `valueFrom`: the ConfigMap value it resolves to, a marker for a Secret key, or None if
    the reference is optional (then the variable may be absent)."""
    if "configMapKeyRef" in ref:
        key_ref = _mapping(ref["configMapKeyRef"], where)
        data = _config_map_data(str(key_ref.get("name")), where)
        key = str(key_ref.get("key"))
        if key not in data:
            if key_ref.get("optional") is True:
                return None
            pytest.fail(f"{where}: ConfigMap {key_ref.get('name')} has no key {key!r}")
        return str(data[key])
    if "secretKeyRef" in ref:
        key_ref = _mapping(ref["secretKeyRef"], where)
        if key_ref.get("optional") is True:
            return None
        return _secret_marker(str(key_ref.get("name")), str(key_ref.get("key")))
    pytest.fail(f"{where}: cannot tell what {ref!r} provides")


def _provided_env(container: dict[str, Any], where: str) -> dict[str, str | None]:
    """Every variable the container is given, with its value where the manifests know it.

    `env` wins over `envFrom`, as in Kubernetes. A Secret's value is a marker (never known).
    """
    result: dict[str, str | None] = {}
    for source in _list(container.get("envFrom"), f"{where} envFrom"):
        source = _mapping(source, f"{where} envFrom")
        if "configMapRef" not in source:
            pytest.fail(
                f"{where}: envFrom {source!r} gives variables the manifests cannot show; "
                "give Secrets key by key in `env` (valueFrom.secretKeyRef)"
            )
        ref = _mapping(source["configMapRef"], f"{where} envFrom")
        prefix = str(source.get("prefix") or "")
        data = _config_map_data(str(ref.get("name")), where)
        for key, value in data.items():
            result[prefix + str(key)] = None if ref.get("optional") is True else str(value)
    for item in _list(container.get("env"), f"{where} env"):
        item = _mapping(item, f"{where} env")
        name = str(item["name"])
        if "valueFrom" in item:
            result[name] = _value_from(_mapping(item["valueFrom"], where), f"{where} env {name}")
        else:
            value = item.get("value")
            result[name] = None if value is None else str(value)
    return result


def _service_env(service: str) -> dict[str, str | None]:
    return _provided_env(_app_container(service), str(_workload(service)))


# --- (a) the kustomization lists exactly the manifests ------------------------------------


def test_every_manifest_file_is_listed_and_every_listed_file_exists() -> None:
    listed = _listed_resources()
    on_disk = sorted(
        path.name
        for pattern in ("*.yaml", "*.yml")
        for path in K8S_DIR.glob(pattern)
        if path.name != KUSTOMIZATION.name
    )
    unlisted = sorted(set(on_disk) - set(listed))
    assert not unlisted, f"{unlisted} are in deploy/k8s but not in {KUSTOMIZATION.name} resources"
    missing = sorted(entry for entry in listed if not (K8S_DIR / entry).is_file())
    assert not missing, f"{KUSTOMIZATION.name} lists {missing}, which are not files in deploy/k8s"
    duplicates = sorted({entry for entry in listed if listed.count(entry) > 1})
    assert not duplicates, f"{KUSTOMIZATION.name} lists {duplicates} more than once"


def test_kustomization_sets_the_namespace_and_the_part_of_label() -> None:
    kustomization = _kustomization()
    assert kustomization.get("namespace") == NAMESPACE, (
        f"{KUSTOMIZATION.name} must set `namespace: {NAMESPACE}`"
    )
    key, value = PART_OF
    label_sets = [_mapping(kustomization.get("commonLabels") or {}, "commonLabels")]
    for entry in _list(kustomization.get("labels"), "labels"):
        label_sets.append(_mapping(_mapping(entry, "labels").get("pairs") or {}, "pairs"))
    assert any(labels.get(key) == value for labels in label_sets), (
        f"{KUSTOMIZATION.name} must label everything {key}: {value} (commonLabels or labels)"
    )
    assert _one("Namespace", NAMESPACE)
    elsewhere = [
        str(m)
        for m in _manifests()
        if (m.doc["metadata"].get("namespace") or NAMESPACE) != NAMESPACE
    ]
    assert not elsewhere, f"manifests outside namespace {NAMESPACE!r}: {elsewhere}"


def test_manifests_load_and_names_are_unique() -> None:
    seen: dict[tuple[str, str], list[str]] = {}
    for manifest in _manifests():
        seen.setdefault((manifest.kind, manifest.name), []).append(manifest.source)
    twice = {f"{kind}/{name}": where for (kind, name), where in seen.items() if len(where) > 1}
    assert not twice, f"defined more than once: {twice}"


# --- (b) CHISO_* variables against the settings classes -----------------------------------


def test_config_map_values_are_strings() -> None:
    # The API server rejects a ConfigMap whose data holds a number or a boolean.
    problems = [
        f"{m}: {key}: {value!r}"
        for m in _of_kind("ConfigMap")
        for key, value in _mapping(m.doc.get("data") or {}, str(m)).items()
        if not isinstance(value, str)
    ]
    assert not problems, "ConfigMap values must be quoted strings:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("service", sorted(APP_SETTINGS))
def test_workload_provides_every_required_setting(service: str) -> None:
    settings = APP_SETTINGS[service]
    env = _service_env(service)
    missing = missing_required(settings, env)
    assert not missing, (
        f"{_workload(service)} must provide {missing} (env or envFrom a ConfigMap): "
        f"{settings.__name__} has no default for them "
        f"(required: {sorted(required_env(settings))})"
    )


@pytest.mark.parametrize("service", sorted(APP_SETTINGS))
def test_workload_provides_only_known_settings(service: str) -> None:
    settings = APP_SETTINGS[service]
    unknown = unknown_settings(settings, _service_env(service))
    assert not unknown, (
        f"{_workload(service)} is given {unknown}, which {settings.__name__} does not read "
        f"(typo, or a setting of another service put in a shared ConfigMap?); "
        f"it knows {sorted(known_env(settings))}"
    )


@pytest.mark.parametrize("service", sorted(APP_SETTINGS))
def test_workload_settings_are_valid_values(service: str) -> None:
    settings = APP_SETTINGS[service]
    values: dict[str, Any] = {}
    for env, value in _service_env(service).items():
        field = field_name(settings, env) if env.startswith(SETTINGS_PREFIX) else None
        if field is not None and value is not None:
            values[field] = value
    try:
        settings.model_validate(values)
    except ValueError as error:
        pytest.fail(f"{_workload(service)}: {settings.__name__} rejects its settings: {error}")


@pytest.mark.parametrize("setting", sorted(SECRET_SETTINGS))
def test_a_secret_setting_comes_from_its_secret_only(setting: str) -> None:
    secret, key, readers = SECRET_SETTINGS[setting]
    problems: list[str] = []
    setters: set[str] = set()
    for manifest in _workloads():
        for container in _containers(_pod_spec(manifest), str(manifest)):
            for item in _list(container.get("env"), f"{manifest} env"):
                if item.get("name") != setting:
                    continue
                setters.add(str(manifest))
                ref = (item.get("valueFrom") or {}).get("secretKeyRef") or {}
                if (ref.get("name"), ref.get("key")) != (secret, key) or ref.get("optional"):
                    problems.append(f"{manifest}: {item!r}")
    problems += [f"{_workload(s)} lacks it" for s in readers if str(_workload(s)) not in setters]
    for manifest in _of_kind("ConfigMap"):
        if setting in (manifest.doc.get("data") or {}):
            problems.append(f"{manifest} holds {setting}")
    assert not problems, (
        f"{setting} must come from Secret {secret!r} key {key!r} (secretKeyRef), never "
        "from a literal or a ConfigMap:\n  " + "\n  ".join(problems)
    )


@pytest.mark.parametrize("service", sorted(APP_SETTINGS))
def test_workload_runs_its_image_and_command(service: str) -> None:
    container = _app_container(service)
    image = str(container.get("image"))
    repository, _, last = image.split("@", 1)[0].rpartition("/")
    repository = f"{repository}/{last.split(':', 1)[0]}" if repository else last.split(":", 1)[0]
    assert repository == IMAGES[service], (
        f"{_workload(service)} must run {IMAGES[service]} (deploy/docker/service.Dockerfile "
        f"built with SERVICE=...), not {image!r}"
    )
    command = [*(container.get("command") or []), *(container.get("args") or [])]
    assert command == COMMANDS[service], f"{_workload(service)} must run {COMMANDS[service]}"


# --- (c) ports and probes -----------------------------------------------------------------


def _container_ports(container: dict[str, Any], where: str) -> dict[str, int]:
    """name (or the number as text) -> containerPort."""
    ports: dict[str, int] = {}
    for entry in _list(container.get("ports"), f"{where} ports"):
        number = int(_mapping(entry, where)["containerPort"])
        ports[str(number)] = number
        if entry.get("name"):
            ports[str(entry["name"])] = number
    return ports


def _probe_target(probe: Any, ports: dict[str, int]) -> tuple[str | None, int | None]:
    """(path, container port) an httpGet probe hits; (None, None) if it is not one."""
    if not isinstance(probe, dict) or not isinstance(probe.get("httpGet"), dict):
        return None, None
    get = probe["httpGet"]
    return get.get("path"), ports.get(str(get.get("port")))


def test_every_deployment_probes_healthz_and_readyz_on_its_port() -> None:
    problems: list[str] = []
    for manifest in _of_kind("Deployment"):
        for container in _list(_pod_spec(manifest).get("containers"), str(manifest)):
            where = f"{manifest} container {container.get('name')}"
            ports = _container_ports(container, where)
            if not ports:
                problems.append(f"{where}: declares no containerPort")
                continue
            expected = {"livenessProbe": "/healthz", "readinessProbe": "/readyz"}
            for key, path in expected.items():
                target = _probe_target(container.get(key), ports)
                if target[0] != path or target[1] is None:
                    problems.append(
                        f"{where}: {key} must be httpGet {path} on a declared port, "
                        f"is {container.get(key)!r}"
                    )
            if "startupProbe" in container:
                target = _probe_target(container["startupProbe"], ports)
                if target[0] != "/healthz" or target[1] is None:
                    problems.append(f"{where}: startupProbe must be httpGet /healthz")
    assert _of_kind("Deployment"), "no Deployment in deploy/k8s"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("service", HTTP_SERVICES)
def test_container_port_is_the_settings_default(service: str) -> None:
    settings = APP_SETTINGS[service]
    default = http_port_default(settings)
    container = _app_container(service)
    where = str(_workload(service))
    ports = set(_container_ports(container, where).values())
    assert ports == {default}, (
        f"{where} must expose exactly {settings.__name__}.http_port's default {default}, "
        f"exposes {sorted(ports)}"
    )
    named = _container_ports(container, where)
    probe_ports = {
        _probe_target(container.get(key), named)[1] for key in ("livenessProbe", "readinessProbe")
    }
    assert probe_ports == {default}, f"{where}: probes hit {probe_ports}, not {default}"
    env = _service_env(service)
    port_env = env.get("CHISO_HTTP_PORT")
    assert port_env in (None, str(default)), (
        f"{where} sets CHISO_HTTP_PORT={port_env}, but its containerPort is {default}"
    )
    assert env.get("CHISO_HTTP_HOST") == ALL_INTERFACES, (
        f"{where} must set CHISO_HTTP_HOST=0.0.0.0: on the default 127.0.0.1 the kubelet's "
        "probes and the Service cannot reach the server"
    )
    annotations = _pod_metadata(_workload(service), "annotations")
    assert annotations.get("prometheus.io/scrape") == "true", f"{where}: not scraped"
    assert annotations.get("prometheus.io/port") == str(default), (
        f"{where}: prometheus.io/port must be {default}, is {annotations.get('prometheus.io/port')}"
    )


@pytest.mark.parametrize("service", HTTP_SERVICES)
def test_service_selects_the_pods_on_their_port(service: str) -> None:
    deployment = _workload(service)
    pod_labels = _pod_labels(deployment)
    port = http_port_default(APP_SETTINGS[service])
    ports = _container_ports(_app_container(service), str(deployment))
    matching = []
    for svc in _of_kind("Service"):
        selector = _mapping(svc.doc["spec"].get("selector") or {}, str(svc))
        if selector and all(pod_labels.get(k) == v for k, v in selector.items()):
            matching.append(svc)
    assert matching, f"no Service selects the pods of {deployment}"
    served = {
        (int(p["port"]), ports.get(str(p.get("targetPort", p["port"]))))
        for svc in matching
        for p in svc.doc["spec"].get("ports") or []
    }
    assert (port, port) in served, (
        f"a Service of {deployment} must serve port {port} on the pods' port {port}; "
        f"(port, pod port) found: {sorted(served, key=str)}"
    )


# --- (d) security context and resources ---------------------------------------------------


def _effective(key: str, container_ctx: dict[str, Any], pod_ctx: dict[str, Any]) -> Any:
    """A security setting as it applies: the container's overrides the pod's."""
    return container_ctx[key] if key in container_ctx else pod_ctx.get(key)


def test_every_pod_runs_as_non_root_without_privilege_escalation() -> None:
    problems: list[str] = []
    workloads = list(_workloads())
    assert workloads, "no workload in deploy/k8s"
    for manifest in workloads:
        pod_spec = _pod_spec(manifest)
        pod_ctx = pod_spec.get("securityContext") or {}
        # At pod level too, so that a container added later without a context inherits it.
        if pod_ctx.get("runAsNonRoot") is not True:
            problems.append(f"{manifest}: the pod's securityContext.runAsNonRoot is not true")
        for container in _containers(pod_spec, str(manifest)):
            where = f"{manifest} container {container.get('name')}"
            ctx = container.get("securityContext") or {}
            if _effective("runAsNonRoot", ctx, pod_ctx) is not True:
                problems.append(f"{where}: runAsNonRoot is not true")
            uid = _effective("runAsUser", ctx, pod_ctx)
            if uid != IMAGE_UID:
                problems.append(f"{where}: runAsUser is {uid}, not {IMAGE_UID}")
            if ctx.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: allowPrivilegeEscalation is not false")
            if ctx.get("privileged") is True:
                problems.append(f"{where}: privileged")
            if ctx.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where}: readOnlyRootFilesystem is not true")
            if "ALL" not in ((ctx.get("capabilities") or {}).get("drop") or []):
                problems.append(f"{where}: capabilities do not drop ALL")
    assert not problems, "\n".join(problems)


def test_every_container_has_resource_requests_and_limits() -> None:
    problems: list[str] = []
    for manifest in _workloads():
        for container in _containers(_pod_spec(manifest), str(manifest)):
            resources = container.get("resources") or {}
            for kind in ("requests", "limits"):
                for resource in ("cpu", "memory"):
                    if not (resources.get(kind) or {}).get(resource):
                        problems.append(f"{manifest} {container.get('name')}: no {kind}.{resource}")
    assert not problems, "\n".join(problems)


def test_pods_get_no_service_links() -> None:
    # Services named chiso-* would inject CHISO_<NAME>_PORT & co. into the settings' namespace.
    problems = [str(m) for m in _workloads() if _pod_spec(m).get("enableServiceLinks") is not False]
    assert not problems, f"set enableServiceLinks: false in {problems}"


# --- (e) no secrets in the repository -----------------------------------------------------


def test_no_secret_with_data_is_committed() -> None:
    committed = [str(m) for m in _of_kind("Secret") if m.doc.get("data") or m.doc.get("stringData")]
    assert not committed, (
        f"{committed} carry secret values; create Secrets with `kubectl create secret generic` "
        "(deploy/k8s/README.md) instead of committing them"
    )
    generators = _list(_kustomization().get("secretGenerator"), "secretGenerator")
    literal = [g for g in generators if isinstance(g, dict) and g.get("literals")]
    assert not literal, f"{KUSTOMIZATION.name} generates Secrets from literals: {literal}"


# --- (f) consumers: replicas, shutdown, disruption ----------------------------------------


def _replicas(manifest: Manifest) -> int:
    return int(manifest.doc["spec"].get("replicas", 1))


@pytest.mark.parametrize("service", SCALABLE_SERVICES)
def test_consumer_replicas_do_not_exceed_partitions(service: str) -> None:
    settings = APP_SETTINGS[service]
    provided = _service_env(service).get("CHISO_TOPIC_PARTITIONS")
    partitions = (
        int(provided) if provided else int(str(field_default(settings, "topic_partitions")))
    )
    replicas = _replicas(_workload(service))
    assert replicas <= partitions, (
        f"{_workload(service)} has {replicas} replicas but topics have {partitions} partitions "
        "(CHISO_TOPIC_PARTITIONS): the extra consumers would stand idle"
    )


@pytest.mark.parametrize("service", SCALABLE_SERVICES)
def test_consumer_has_time_to_drain_and_a_disruption_budget(service: str) -> None:
    deployment = _workload(service)
    grace = _pod_spec(deployment).get("terminationGracePeriodSeconds")
    assert isinstance(grace, int), f"{deployment}: set terminationGracePeriodSeconds"
    assert grace >= MIN_CONSUMER_GRACE_S, (
        f"{deployment}: terminationGracePeriodSeconds must be >= {MIN_CONSUMER_GRACE_S} so a "
        f"consumer can finish its batch, is {grace!r}"
    )
    pod_labels = _pod_labels(deployment)
    budgets = [
        pdb
        for pdb in _of_kind("PodDisruptionBudget")
        if (selector := (pdb.doc["spec"].get("selector") or {}).get("matchLabels"))
        and all(pod_labels.get(k) == v for k, v in selector.items())
    ]
    assert len(budgets) == 1, f"{deployment} needs exactly one PodDisruptionBudget, has {budgets}"
    min_available = budgets[0].doc["spec"].get("minAvailable")
    assert min_available == 1, f"{budgets[0]}: minAvailable must be 1, is {min_available!r}"
    assert _replicas(deployment) > min_available, (
        f"{deployment}: {_replicas(deployment)} replicas with minAvailable {min_available} "
        "would block every node drain"
    )


def test_migrate_job_retries_a_bounded_number_of_times() -> None:
    job = _workload("migrate")
    backoff = job.doc["spec"].get("backoffLimit")
    assert isinstance(backoff, int), f"{job}: set a backoffLimit"
    assert backoff >= 1, f"{job}: backoffLimit must be >= 1, is {backoff}"
    restart = _pod_spec(job).get("restartPolicy")
    assert restart in ("Never", "OnFailure"), f"{job}: restartPolicy {restart!r}"


def test_settings_contract_is_not_vacuous_here() -> None:
    # Guards (b): some workload must actually be checked against a required variable.
    assert any(required_env(APP_SETTINGS[service]) for service in WORKLOADS), (
        "no workload's settings class has a required field; the checks above are vacuous"
    )
    assert set(WORKLOADS) == set(APP_SETTINGS), "every process of the contract needs a workload"
