"""axe-core, the accessibility checker (vendored from the npm registry, test-only), run in a page.

``assert_accessible(page)`` runs axe on the page as it stands (after the clicks and keys a test
made) with the WCAG 2.0 and 2.1 A and AA rules and axe's best practices, and fails naming each
violation: the rule, its impact, what it asks, and each element's selector and HTML.
``violations(page)`` gives them as data. ``axe.min.js`` goes into the page through the DevTools
protocol — ``install(context)`` for every page a context opens, else ``page.evaluate`` of its text
— so the portal's Content-Security-Policy stays on and still governs all the page itself loads.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")

# Preloaded: media only. The stylesheets (the CSSOM) are read only by css-orientation-lock, an
# experimental rule outside these tags; fetching them again for each page took a third of the run.
RUN = """async (tags) => {
  const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"], preload: {assets: ["media"]}};
  const results = await axe.run(document, options);
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary})),
  }));
}"""


@cache
def _source() -> str:
    return AXE.read_text()


def install(context) -> None:
    """Have axe in every page the context opens from now on (parsed there, not sent again each time)."""
    context.add_init_script(script=_source())


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
