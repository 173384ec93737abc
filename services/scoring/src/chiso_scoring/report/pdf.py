"""Print the HTML page to PDF with headless Chromium: the browser that lays the page out for
the screen lays it out for paper too (CSS @page), and nothing else needs installing."""

import subprocess
import tempfile
from pathlib import Path

from chiso_core.words import refusals

FLAGS = (
    "--headless",
    "--no-sandbox",  # containers run it as root
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",  # no URL and date on every page
    # The page is self-contained: nothing but the file itself is reachable.
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


class PrintError(RuntimeError):
    pass


def print_pdf(chromium: str, page: Path, out: Path, timeout_s: float) -> None:
    """Print `page` (an HTML file) to `out`; raises PrintError when Chromium fails."""
    with tempfile.TemporaryDirectory(prefix="chiso-chromium-") as profile:
        try:
            done = subprocess.run(
                [
                    chromium,
                    *FLAGS,
                    f"--user-data-dir={profile}",
                    f"--print-to-pdf={out}",
                    page.resolve().as_uri(),
                ],
                capture_output=True,
                text=True,
                timeout=timeout_s,
            )
        except FileNotFoundError as e:
            raise PrintError(refusals.no_chromium(chromium)) from e
        except subprocess.TimeoutExpired as e:
            raise PrintError(refusals.not_printed_within(timeout_s)) from e
    if done.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        raise PrintError(refusals.chromium_failed(done.returncode, done.stderr.strip()[-500:]))
