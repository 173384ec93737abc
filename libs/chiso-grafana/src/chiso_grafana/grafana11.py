"""What grafana-foundation-sdk (written for Grafana 10.1) writes that Grafana 11.4's Dashboard
schema rejects or Grafana drops, made right on the built JSON in one place. Each fix says which
field and why; tests/unit/test_grafana_schema.py validates the result against @grafana/schema."""

from string import ascii_uppercase
from typing import Any

JSON = dict[str, Any]

# Fields of an interval variable only; the SDK writes them on every variable and Grafana drops them.
INTERVAL_ONLY = ("auto", "auto_count", "auto_min")


def variable(v: JSON) -> JSON:
    """No `id`: the SDK gives every variable the same zero UUID and Grafana's pre-Scenes code
    keys variables by id, so they collide; the `auto*` fields only on interval variables."""
    dropped = {"id", *(INTERVAL_ONLY if v.get("type") != "interval" else ())}
    return {k: value for k, value in v.items() if k not in dropped}


def annotation(a: JSON) -> JSON:
    """An annotation's target is a DataQuery: it needs a refId (Grafana's editor writes "Anno")."""
    if "target" not in a:
        return a
    return {**a, "target": {"refId": "Anno", **a["target"]}}


def panel(p: JSON, panel_id: int) -> JSON:
    """`options` an object, never null; a unique panel id (links and the panel editor key panels by
    it); every target its own refId (A, B, …) instead of the SDK's empty one."""
    targets = [
        {**target, "refId": target.get("refId") or ascii_uppercase[k]}
        for k, target in enumerate(p.get("targets") or [])
    ]
    return {**p, "id": panel_id, "options": p.get("options") or {}, "targets": targets}


def for_grafana11(dashboard: JSON) -> JSON:
    """The dashboard without the top-level `style` (gone from the schema since Grafana 10), with
    `annotations` and `templating` as objects holding a `list`, and every panel, variable and
    annotation fixed as above."""
    annotations = (dashboard.get("annotations") or {}).get("list") or []
    variables = (dashboard.get("templating") or {}).get("list") or []
    return {
        **{k: v for k, v in dashboard.items() if k != "style"},
        "annotations": {"list": [annotation(a) for a in annotations]},
        "templating": {"list": [variable(v) for v in variables]},
        "panels": [panel(p, k) for k, p in enumerate(dashboard.get("panels") or [], start=1)],
    }
