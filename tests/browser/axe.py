"""axe-core, the accessibility checker (vendored from the npm registry, test-only), run in a page.

``assert_accessible(page)`` injects ``axe.min.js`` into the page as it stands (after the clicks and
keys a test made) and runs it with the WCAG 2.0 and 2.1 A and AA rules and axe's best practices;
it fails naming each violation: the rule, its impact, what it asks, and each element's selector and
HTML. The script goes in through the DevTools protocol (``page.evaluate``), so the portal's
Content-Security-Policy stays on and still governs everything the page itself loads.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")

RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary})),
  }));
}"""


@cache
def _source() -> str:
    return AXE.read_text()


def violations(page) -> list[dict]:
    """axe's violations of the page as it stands (a list of rules, each with its elements)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_source())
    return page.evaluate(RUN, list(TAGS))


def describe(found: list[dict], where: str) -> str:
    lines = [f"{where}: {len(found)} accessibility rule(s) broken (axe-core)"]
    for rule in found:
        lines.append(f"- {rule['id']} ({rule['impact']}): {rule['help']} [{rule['helpUrl']}]")
        for node in rule["nodes"]:
            lines.append(f"    {node['target']}: {node['html'][:300]}")
            summary = " ".join(node["summary"].split())
            if summary:
                lines.append(f"      {summary[:400]}")
    return "\n".join(lines)


def assert_accessible(page, what: str = "") -> None:
    """Fail, naming every rule broken and where, unless axe finds nothing on the page."""
    found = violations(page)
    assert not found, describe(found, what or page.url)
