"""One home for the names users read: every status, comparator, unit and cadence has a
Vietnamese and an English name there, and no other module spells a status's name."""

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from chiso_alerts.rules.lifecycle import State
from chiso_alerts.rules.model import Severity
from chiso_core.catalog import Comparator, load_catalog
from chiso_core.catalog.models import Cadence
from chiso_core.status import Status
from chiso_core.words import labels, vietnamese
from chiso_core.words.probability import Language
from tests.conftest import CATALOG_DIR

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / "libs/chiso-core/src/chiso_core/words"


@pytest.mark.parametrize("language", list(Language))
def test_every_status_comparator_and_cadence_has_a_name(language: Language) -> None:
    for table, codes in (
        (labels.STATUS, Status),
        (labels.COMPARATOR, Comparator),
        (labels.CADENCE, Cadence),
    ):
        names = table[language]
        assert set(names) == set(codes)
        assert all(name.strip() for name in names.values())
    # one name per status: a reader never meets two statuses called alike
    assert len(set(labels.STATUS[language].values())) == len(Status)


def test_the_words_stand_below_the_catalog() -> None:
    """The catalog phrases its own problems with the words, so no module of the words may import
    the catalog, even indirectly (a fresh interpreter: this one has imported it already)."""
    words = [
        "chiso_core.words.labels",
        "chiso_core.words.problems",
        "chiso_core.words.refusals",
        "chiso_core.words.templates",
        "chiso_core.words.vietnamese",
        "chiso_core.problems",
    ]
    script = (
        f"import sys, {', '.join(words)}; "
        "print(sorted(m for m in sys.modules if m.startswith('chiso_core.catalog')))"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert found.strip() == "[]"


@pytest.mark.parametrize("language", list(Language))
def test_every_unit_of_the_catalog_has_a_name(language: Language) -> None:
    catalog = load_catalog(CATALOG_DIR)
    used = {i.unit for i in catalog.indicators.values()}
    used |= {t.unit for p in catalog.plans.values() for t in p.targets}
    assert used <= set(labels.UNIT[language])
    assert set(labels.UNIT[Language.VI]) == set(labels.UNIT[Language.EN])


def test_an_unknown_status_code_is_said_as_itself() -> None:
    assert labels.status("off_track") == "Chậm tiến độ"
    assert labels.status("off_track", Language.EN) == "Off track"
    assert labels.status("retired") == "retired"


def _sources() -> list[Path]:
    found = []
    for folder in ("libs", "services"):
        for suffix in ("*.py", "*.html", "*.j2", "*.sql", "*.yaml"):
            found += [p for p in (ROOT / folder).rglob(suffix) if HOME not in p.parents]
    return found


def test_no_module_outside_the_home_spells_a_status_name() -> None:
    # Vietnamese names as well as the variants that once lived elsewhere ("Đang xấu đi",
    # "đang đi lùi"), matched case-insensitively.
    words = {*labels.STATUS[Language.VI].values(), "Đang xấu đi", "đang đi lùi", "Số liệu cũ"}
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    spelled = {
        f"{path.relative_to(ROOT)}: {m[0]}"
        for path in _sources()
        if "migrations" not in path.parts  # an applied migration is never edited
        for m in [pattern.search(path.read_text(encoding="utf-8"))]
        if m
    }
    assert spelled == set()


def test_every_alert_state_and_severity_has_both_labels() -> None:
    """What an email or a page says of a notification, and the demo's scorecard of an alert:
    every state an alert goes through (Alertmanager's two among them) and the rules'
    severities, named in both languages."""
    for language in (labels.VI, labels.EN):
        assert set(labels.ALERT_STATE[language]) == {s.value for s in State}
        assert {"firing", "resolved"} <= {s.value for s in State}
        assert all(labels.ALERT_STATE[language].values())
        assert set(labels.SEVERITY[language]) == {s.value for s in Severity}
        assert all(labels.SEVERITY[language].values())


@pytest.mark.parametrize(
    ("day", "shown"),
    [
        (date(2026, 12, 8), "08/12/2026"),
        (date(2025, 1, 31), "31/01/2025"),
        (date(999, 3, 4), "04/03/999"),
    ],
)
def test_a_day_is_written_day_first(day: date, shown: str) -> None:
    assert vietnamese.day(day) == shown


def test_no_module_outside_the_home_formats_a_day_itself() -> None:
    """Every page, alert and message says a day through words.vietnamese.day."""
    root = Path(__file__).resolve().parents[2]
    found = [
        f"{path.relative_to(root)}"
        for tree in ("libs", "services")
        for path in (root / tree).rglob("*")
        if path.suffix in {".py", ".j2"}
        and "%d/%m/%Y" in path.read_text(encoding="utf-8")
        and path.name != "email.py"  # a time of day too: "%d/%m/%Y %H:%M", in Vietnam's zone
    ]
    assert found == []
