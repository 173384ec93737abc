"""`chiso report` over scores the real pipeline computed from the simulator's figures: the HTML
page opens in a real headless Chromium (Debian's chromium) with every target on it, the PDF is
printed, and a screenshot is taken."""

import asyncio
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from chiso_core.catalog import Catalog
from chiso_core.periods import Period
from chiso_devstack.simulation import simulate
from tests.both_languages import halves
from tests.integration.conftest import Harness, message_of

PLAN = "khanh_hoa_nq57"
# Every host but the page itself is unreachable: an asset from elsewhere would be missing.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


async def _scored(harness: Harness, catalog: Catalog, until: str) -> None:
    figures = simulate(7, Period.parse(until))
    await harness.run([message_of(catalog, item) for item in figures.reports + figures.revisions])


async def _run(
    database_url: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "chiso_core", *args],
        env={**os.environ, "CHISO_DATABASE_URL": database_url, **(env or {})},
        capture_output=True,
        text=True,
        timeout=180,
    )


async def _chromium(profile: Path, *args: str) -> str:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium package is missing: scripts/bootstrap installs it"
    done = await asyncio.to_thread(
        subprocess.run,
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout


async def test_the_scorecard_opens_in_chromium_with_every_target(
    harness: Harness, catalog: Catalog, database_url: str, tmp_path: Path
) -> None:
    await _scored(harness, catalog, "2025-06")
    harness_said = (
        "INSERT INTO target_explanations (plan_id, target_id, period, agency, key_id, done,"
        " difficulties, next_actions, channel) VALUES (%s, 'tfp_contribution_2030', '2025',"
        " 'so_tai_chinh_khanh_hoa', 'k', 'Đã rà soát số liệu TFP', 'Chưa có số liệu chính thức',"
        " 'Phối hợp với Thống kê tỉnh', 'file')"
    )
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(harness_said, [PLAN])

    run = await _run(database_url, "report", "--plan", PLAN, "--out", str(tmp_path / "out"))

    assert run.returncode == 0, run.stdout + run.stderr
    page, pdf = tmp_path / "out" / f"{PLAN}.html", tmp_path / "out" / f"{PLAN}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert pdf.stat().st_size > 10_000
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")

    dom = await _chromium(tmp_path / "profile", "--dump-dom", page.as_uri())
    plan = catalog.plans[PLAN]
    for target in plan.targets:
        assert f'data-target="{target.id}"' in dom, target.id
        assert f'id="row-{target.id}"' in dom, target.id
    # each target's section names its lead agency; the plan's default leads most of them
    owners = [plan.owners_of(t) for t in plan.targets]
    for lead in {o.lead for o in owners if o is not None}:
        expected = sum(1 for o in owners if o is not None and o.lead == lead)
        assert dom.count(f"Chủ trì: <b>{catalog.agencies[lead].name_vi}</b>") == expected, lead
    assert "phối hợp: Thống kê tỉnh Khánh Hòa" in dom
    assert dom.count('class="explanation"') == 1
    # the lead agencies' timeliness, from the simulator's figures as reported
    assert 'id="punctuality"' in dom
    assert "<td>Văn phòng Ủy ban nhân dân tỉnh Khánh Hòa</td>" in dom
    assert "Giải trình kỳ năm 2025 của Sở Tài chính tỉnh Khánh Hòa" in dom
    assert "Khó khăn, vướng mắc:</b> Chưa có số liệu chính thức" in dom
    # The two simulated series are charted, with the figures through June 2025; the other
    # targets say they have no figures.
    assert dom.count('<svg class="chart"') == 2
    assert dom.count("Chưa có số liệu cho chỉ tiêu này") == len(plan.targets) - 2
    assert "tháng 6/2025" in dom
    assert "Tỷ lệ sử dụng dịch vụ công trực tuyến" in dom
    assert "Khánh Hòa" in dom
    # a probability is never said as certain: "< 1 %" and "> 99 %" beyond that range
    assert "khả năng đạt 0" not in dom
    assert "khả năng đạt 100" not in dom
    assert re.search(r"khả năng đạt (< 1 %|> 99 %|[1-9][0-9]? %)", dom) or "khả năng đạt" not in dom

    screenshot = tmp_path / "scorecard.png"
    await _chromium(
        tmp_path / "profile", f"--screenshot={screenshot}", "--window-size=1280,2400", page.as_uri()
    )
    assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert screenshot.stat().st_size > 20_000


async def test_as_of_an_earlier_period_leaves_out_later_figures(
    harness: Harness, catalog: Catalog, database_url: str, tmp_path: Path
) -> None:
    await _scored(harness, catalog, "2025-06")

    run = await _run(
        database_url, "report", "--plan", PLAN, "--period", "2024-12", "--out", str(tmp_path)
    )

    assert run.returncode == 0, run.stdout + run.stderr
    text = (tmp_path / f"{PLAN}.html").read_text(encoding="utf-8")
    assert "đến hết tháng 12/2024" in text
    assert "tháng 12/2024" in text
    assert "tháng 1/2025" not in text


def _unboxed(stderr: str) -> str:
    """What typer printed in its error box, its lines joined as one."""
    inside = [line.strip("│ ") for line in stderr.splitlines() if line.startswith("│")]
    return " ".join(inside)


class TestARefusalSaysWhyVietnameseFirst:
    """Refused before anything is written, naming the option and what was expected."""

    async def test_an_unknown_plan_lists_the_plans(self, database_url: str, tmp_path: Path) -> None:
        run = await _run(
            database_url, "report", "--plan", "nope", "--out", str(tmp_path), "--no-pdf"
        )
        assert run.returncode == 2
        vi, en = halves(run.stderr)
        assert vi.startswith("--plan: không có kế hoạch 'nope' (có: "), vi
        assert en.startswith("--plan: no plan 'nope' (known: "), en
        assert PLAN in vi
        assert PLAN in en
        assert os.listdir(tmp_path) == []

    @pytest.mark.parametrize(
        ("period", "english"),
        [
            ("2025-13", "month 13 does not start a month"),
            ("06/2025", "period '06/2025' is not YYYY (year), YYYY-Qn (quarter) or YYYY-MM"),
        ],
    )
    async def test_a_malformed_period_says_the_forms(
        self, database_url: str, tmp_path: Path, period: str, english: str
    ) -> None:
        run = await _run(
            database_url, "report", "--plan", PLAN, "--period", period, "--out", str(tmp_path)
        )
        assert run.returncode == 2
        said = _unboxed(run.stderr)
        assert said.startswith("Invalid value for '--period': "), said  # typer's own words
        vi, en = halves(said.removeprefix("Invalid value for '--period': "))
        forms = "YYYY (năm), YYYY-Qn (quý) hoặc YYYY-MM (tháng)"
        assert vi == f"kỳ {period!r} không hợp lệ: dùng {forms}", vi
        assert en.startswith(english), en
        assert os.listdir(tmp_path) == []

    async def test_a_missing_chromium_is_named_with_its_setting(
        self, database_url: str, tmp_path: Path
    ) -> None:
        missing = str(tmp_path / "no-chromium")
        out = tmp_path / "out"
        run = await _run(
            database_url,
            "report",
            "--plan",
            PLAN,
            "--out",
            str(out),
            env={"CHISO_CHROMIUM": missing},
        )
        assert run.returncode == 1
        assert halves(run.stderr.splitlines()[-1]) == (
            f"không có Chromium tại {missing!r} (CHISO_CHROMIUM)",
            f"no Chromium at {missing!r} (CHISO_CHROMIUM)",
        )
        assert os.listdir(out) == [f"{PLAN}.html"]  # the page is written before printing


# What the browser says overflows: every table cell whose content is wider than the cell.
# and the table itself, when it is wider than the page (a column that will not wrap).
_OVERFLOW = """<script>
const wide = [...document.querySelectorAll("td, th")]
  .filter((c) => c.scrollWidth > c.clientWidth)
  .map((c) => (c.closest("tr").id || "head") + ":" + c.cellIndex);
for (const t of document.querySelectorAll("table")) {
  if (t.getBoundingClientRect().width > document.body.clientWidth) wide.push("table");
}
document.body.dataset.overflow = wide.join(" ") || "none";
</script></body>"""


async def test_the_summary_table_fits_the_page_with_the_longest_names_and_figures(
    catalog: Catalog, tmp_path: Path
) -> None:
    """Every plan's targets, each with a figure (some as long as 1.234.567,8 and a unit as long
    as người/vạn dân) at the periods of the longest names (tháng 12/2024, quý III/2024): laid
    out at the printed page's width (186 mm, 703 px), no cell of the table overflows (a period
    breaks only between its words), and the PDF prints."""
    from datetime import date

    from chiso_scoring.report import content, render
    from tests.unit.test_report import plan_scores

    for plan in catalog.plans.values():
        scores = plan_scores(
            catalog,
            plan,
            lambda n: {
                "actual": 1_234_567.8 if n % 3 == 0 else 6.9,
                "expected": 1_234_567.8 if n % 3 == 1 else 6.9,
                "projected": 1_234_567.8,
                "probability": 0.42,
                "status": "needs_acceleration",
            },
            {"month": "2024-12", "quarter": "2024-Q3", "year": "2024"},
        )
        page = render.html(content.build(catalog, plan.id, scores, None, date(2025, 8, 1)))
        file = tmp_path / f"{plan.id}.html"
        file.write_text(page.replace("</body>", _OVERFLOW), encoding="utf-8")
        dom = await _chromium(
            tmp_path / "profile", "--window-size=703,2000", "--dump-dom", file.as_uri()
        )
        assert 'data-overflow="none"' in dom, (plan.id, re.findall(r'data-overflow="[^"]*"', dom))
        pdf = tmp_path / f"{plan.id}.pdf"
        await _chromium(tmp_path / "profile", f"--print-to-pdf={pdf}", file.as_uri())
        assert pdf.read_bytes().startswith(b"%PDF-")
