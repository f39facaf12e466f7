"""Static, offline pages: Vega JavaScript shipped once in ``dashboards/assets/``.

Pages load the shared bundle with a relative ``<script src>``, which browsers
allow from ``file://``, so a page opened from a shared drive or an email
attachment draws its charts with no network.
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass
from pathlib import Path

# Okabe-Ito: distinguishable with the common forms of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9",
           "#F0E442", "#000000", "#999999")


def vega_bundle(site: Path) -> str:
    """Relative path of the shared Vega/Vega-Lite/Vega-Embed bundle, written once per version."""
    import vl_convert as vlc

    name = f"vega-{vlc.get_vega_version()}-embed-{vlc.get_vega_embed_version()}.js"
    target = site / "assets" / name
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{name}.tmp-{os.getpid()}")
        tmp.write_text(vlc.javascript_bundle(), encoding="utf-8")
        os.replace(tmp, target)
    return f"assets/{name}"


@dataclass(frozen=True)
class ChartBlock:
    """A chart with the caption every figure carries."""

    id: str
    spec: dict
    caption_html: str
    csv_name: str


PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px;
        color: #222; line-height: 1.45; padding: 0 1rem; }}
 figure {{ margin: 1.5rem 0; }}
 figcaption {{ font-size: .9rem; color: #444; }}
 table {{ border-collapse: collapse; font-size: .85rem; }}
 td, th {{ border-bottom: 1px solid #ddd; padding: .25rem .5rem; text-align: left;
          vertical-align: top; }}
 .chart {{ width: 100%; }}
</style>
<script src="{bundle}"></script>
</head>
<body>
<h1>{title}</h1>
{intro}
{blocks}
{outro}
<script>
const specs = {specs};
for (const [id, spec] of Object.entries(specs)) {{
  vegaEmbed('#' + id, spec, {{actions: {{export: true, source: false, compiled: false,
            editor: false}}, renderer: 'svg'}}).catch(err => {{
    document.getElementById(id).textContent = 'Chart failed to draw: ' + err;
  }});
}}
</script>
</body>
</html>
"""


def write_page(site: Path, filename: str, title: str, intro_html: str,
               blocks: list[ChartBlock], outro_html: str = "") -> Path:
    """Write one page; charts draw from specs inlined in the page."""
    bundle = vega_bundle(site)
    body = "\n".join(
        f'<figure><div id="{b.id}" class="chart"></div><figcaption>{b.caption_html} '
        f'<a href="data/{html.escape(b.csv_name)}">Data (CSV)</a></figcaption></figure>'
        for b in blocks
    )
    text = PAGE.format(
        title=html.escape(title),
        intro=intro_html,
        outro=outro_html,
        blocks=body,
        bundle=bundle,
        specs=json.dumps({b.id: b.spec for b in blocks}).replace("</", "<\\/"),
    )
    target = site / filename
    tmp = target.with_name(f".{filename}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)
    return target
