"""The generated protobuf code is what proto/ says, and the wire form round-trips."""

import shutil
import subprocess
import uuid
from dataclasses import fields
from pathlib import Path

import pytest

from chiso_alerts.rules.model import ScorePoint
from chiso_core.contracts.v1 import alert_pb2, common_pb2, score_pb2
from chiso_core.messaging import message_ids
from chiso_core.status import Status
from chiso_scoring import store
from chiso_scoring.methods import Assessment
from chiso_scoring.reads import ScoreOut
from chiso_scoring.scorer import FIGURES

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "libs/chiso-core/src/chiso_core/contracts/v1"
GENERATED_SUFFIXES = (".py", ".pyi")
BASELINE = ROOT / "proto/breaking-baseline.json"  # main's proto, as `make proto-baseline` built it


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Runs the one regeneration command (buf lint, then protoc) into a scratch folder."""
    out = tmp_path_factory.mktemp("contracts")
    result = subprocess.run(
        [str(ROOT / "scripts/gen-proto"), str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, (
        f"scripts/gen-proto failed (buf lint or protoc):\n{result.stderr}"
    )
    return out / "v1"


def _files(folder: Path) -> dict[str, str]:
    return {
        p.name: p.read_text(encoding="utf-8")
        for p in sorted(folder.iterdir())
        if p.is_file() and p.suffix in GENERATED_SUFFIXES
    }


def test_the_committed_contracts_are_not_stale(generated: Path) -> None:
    """A .proto edited without running scripts/gen-proto fails here; so does a module left
    behind by a removed .proto."""
    fresh, committed = _files(generated), _files(COMMITTED)
    assert {name for name in fresh if name.endswith("_pb2.py")} >= {
        "alert_pb2.py",
        "common_pb2.py",
        "observation_pb2.py",
        "score_pb2.py",
    }
    assert sorted(committed) == sorted(fresh), "generated modules differ: run scripts/gen-proto"
    stale = [name for name in fresh if committed[name] != fresh[name]]
    assert not stale, f"{stale} differ from proto/: run scripts/gen-proto"


def test_buf_lint_passes() -> None:
    """Also run by gen-proto; here on its own so a lint failure reads as one."""
    result = subprocess.run(
        [str(ROOT / ".venv/bin/buf"), "lint"],
        cwd=ROOT / "proto",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_generated_imports_point_into_chiso_core(generated: Path) -> None:
    """protoc writes `from chiso.v1 import …`; the script must rewrite it to the real package."""
    text = (generated / "score_pb2.py").read_text(encoding="utf-8")
    assert "from chiso_core.contracts.v1 import common_pb2" in text
    assert "from chiso.v1 import" not in text


def test_a_score_round_trips_through_bytes() -> None:
    score = score_pb2.Score(
        meta=common_pb2.Meta(message_id="m-1", producer="scoring"),
        plan_id="tam_duong_nq57",
        plan_revision=1,
        target_id="online_public_service_usage_2030",
        indicator_code="online_public_service_usage",
        jurisdiction_id="tam_duong",
        province_code="12",
        period=common_pb2.Period(grain=common_pb2.GRAIN_MONTH, year=2025, month=6),
        actual=41.0,
        expected=42.82,
        target_value=80.0,
        due_year=2030,
        gap=-1.82,
        progress=0.025,
        status=score_pb2.STATUS_OFF_TRACK,
        method="linear_path",
        method_version="1",
        observation_revision=2,
    )
    back = score_pb2.Score.FromString(score.SerializeToString())
    assert back == score
    assert back.status == score_pb2.STATUS_OFF_TRACK
    assert back.period.month == 6


def test_an_alert_with_maps_and_without_end_round_trips() -> None:
    """A firing alert has no ends_at: the field must stay absent, not become the epoch."""
    alert = alert_pb2.Alert(
        fingerprint="0123456789abcdef",
        labels={"alertname": "TargetOffTrack", "jurisdiction": "tam_duong"},
        annotations={"summary": "off track"},
        state=alert_pb2.ALERT_STATE_FIRING,
    )
    alert.starts_at.FromSeconds(1_750_000_000)
    back = alert_pb2.Alert.FromString(alert.SerializeToString())
    assert back == alert
    assert dict(back.labels) == {"alertname": "TargetOffTrack", "jurisdiction": "tam_duong"}
    assert back.HasField("starts_at")
    assert not back.HasField("ends_at")


def test_message_ids_are_distinct_version_4_uuids() -> None:
    ids = message_ids(1000)
    assert len(set(ids)) == 1000
    for text in ids:  # written a character place at a time: each place of each id checked
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant, str(parsed)) == (4, uuid.RFC_4122, text)


def test_a_score_field_has_one_name_everywhere() -> None:
    """scorer.FIGURES names a score's judged figures once: the scores table's columns (store),
    score.proto, the read API and the alerts' reader all use those names, and the API carries
    every field a Score message does."""
    published = set(score_pb2.Score.DESCRIPTOR.fields_by_name) - {"meta", "province_code"}
    api = set(ScoreOut.model_fields) - {"computed_at"}
    table = set(store._SCORE_COLUMNS) - {"grain", "period_start"} | {"period"}
    figures = {name for name, _ in FIGURES}
    assert {attribute for _, attribute in FIGURES} <= {f.name for f in fields(Assessment)}
    assert figures <= published
    assert api == published == table
    assert {f.name for f in fields(ScorePoint)} <= published


def _breaking(proto: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / ".venv/bin/buf"), "breaking", "--against", str(BASELINE)],
        cwd=proto,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_contracts_keep_what_main_published() -> None:
    """`make lint`'s check: proto/ breaks nothing of the committed baseline (main's proto)."""
    result = _breaking(ROOT / "proto")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("double actual = 9;", "double actual = 30;"),  # renumbered
        ("  optional double probability = 28;\n", ""),  # removed, not reserved
        ("string method = 16;", "int32 method = 16;"),  # retyped
    ],
)
def test_a_breaking_change_to_a_score_is_caught(tmp_path: Path, before: str, after: str) -> None:
    shutil.copytree(ROOT / "proto", tmp_path / "proto")
    score = tmp_path / "proto/chiso/v1/score.proto"
    text = score.read_text(encoding="utf-8")
    assert before in text
    score.write_text(text.replace(before, after), encoding="utf-8")
    result = _breaking(tmp_path / "proto")
    assert result.returncode != 0
    assert "score.proto" in result.stdout


def test_every_status_has_its_own_wire_value_and_comes_back_from_it() -> None:
    """The score message's status enum and the status words name the same set: each status
    goes to a value of its own and back, and every value but the unspecified one is a status."""
    wire = {status: status.to_proto() for status in Status}
    assert len(set(wire.values())) == len(Status)
    assert {Status.from_proto(value) for value in wire.values()} == set(Status)
    named = {v.number for v in score_pb2.Status.DESCRIPTOR.values if v.number != 0}
    assert set(wire.values()) == named
    for status, value in wire.items():
        assert score_pb2.Status.Name(value) == f"STATUS_{status.name}"
