"""The census page in a real headless browser (Debian's chromium, `make browser-deps`).

The test adds a probe script to a copy of the page (the page itself has none) that measures,
after layout, each chart's drawn shapes and size and looks for its table; chromium's
`--dump-dom` then shows what the probe wrote.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.curate.test_curate_browser import _wait_until_up, chromium, free_port
from tests.report.conftest import run

pytestmark = pytest.mark.browser

_PROBE = """
<script>
const charts = [...document.querySelectorAll("figure.chart")].map((figure) => {
  const svg = figure.querySelector("svg");
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  // Shapes that paint something: bars and lines are <path>s with a non-empty box.
  const painted = svg ? [...svg.querySelectorAll("path, rect, line")].filter((shape) => {
    const b = shape.getBBox();
    return b.width > 0 || b.height > 0;
  }).length : 0;
  const table = figure.querySelector("table");
  return {id: figure.closest("section").id, width: box.width, height: box.height,
          painted: painted, tableRows: table ? table.tBodies[0].rows.length : -1};
});
const out = document.createElement("pre");
out.id = "probe";
out.textContent = JSON.stringify(charts);
document.body.appendChild(out);
</script>
"""


def test_every_chart_is_drawn_and_has_its_table(scanned_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "census"
    assert run(scanned_db, "report", "--out", str(out)).exit_code == 0
    probed = tmp_path / "probed.html"
    page = (out / "index.html").read_text(encoding="utf-8")
    probed.write_text(page.replace("</body>", _PROBE + "</body>"), encoding="utf-8")
    dom = chromium(tmp_path, "--allow-file-access-from-files", "--dump-dom", probed.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    charts = json.loads(found.group(1).replace("&quot;", '"'))
    assert [c["id"] for c in charts] == ["monthly", "top-studies", "pem-mix", "missing", "places"]
    for chart in charts:
        assert chart["width"] > 200, chart
        assert chart["height"] > 80, chart
        assert chart["painted"] >= 5, chart  # axes, ticks and at least one bar
        assert chart["tableRows"] >= 1, chart


def test_the_page_renders_to_a_screenshot_with_content(scanned_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "census"
    assert run(scanned_db, "report", "--out", str(out)).exit_code == 0
    shot = tmp_path / "census.png"
    chromium(tmp_path, f"--screenshot={shot}", (out / "index.html").as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a blank page is a few kB


def test_the_curator_view_links_and_serves_the_latest_report(
    scanned_db: Path, tmp_path: Path
) -> None:
    assert run(scanned_db, "report", "--out", str(tmp_path / "old")).exit_code == 0
    assert (
        run(scanned_db, "report", "--out", str(tmp_path / "new"), "--place", "cfs").exit_code == 0
    )
    port = free_port()
    log_path = tmp_path / "curate.log"
    command = [sys.executable, "-c", "from bot.cli.main import main; main()",
               "--db", str(scanned_db), "curate", "--port", str(port)]  # fmt: skip
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, process, log_path)
            home = chromium(tmp_path, "--dump-dom", f"{base}/")
            assert 'href="/census/index.html"' in home
            assert "place cfs" in home  # the latest report, not the older one
            served = httpx.get(f"{base}/census/index.html", timeout=10)
            assert served.status_code == 200
            assert "<svg" in served.text
            assert "place cfs" in served.text
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
