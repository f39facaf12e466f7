"""Incidents: every record in a table the reader can search and sort, with no library.

The rows ship inside the page as compact JSON arrays (sources and outcomes as
indexes into short lists), which keeps ~16,000 records near 0.8 MB; the page
renders only the first rows that match, so typing stays quick. The search also
reads ``data/incident_index.js`` (every linked record's name, place and narrative
words), ranks a name matching the phrase before a place, before a narrative word,
and each row's place links to the incident's page (``incident.html?id=``).
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING

from pipelines.dashboards.captions import fmt_int
from pipelines.dashboards.site import Page

if TYPE_CHECKING:
    import polars as pl

    from pipelines.dashboards.data import DashboardData

# Columns the linked `incidents` table must have for the page to use it.
INCIDENT_COLUMNS = {"incident_id", "incident_date", "incident_name", "city", "state", "killed",
                    "injured", "end_method", "attacker_fate", "fbi_active_shooter",
                    "alerrt_active_attack"}
SHOWN = 100  # rows rendered at once; the count says how many match

SCRIPT = """<script>
(() => {
  const D = JSON.parse(document.getElementById('incident-data').textContent);
  // Names, places and narrative words of each row, from data/incident_index.js; a stale
  // or missing index (another build, or the file not copied) leaves the visible fields.
  const X = window.INCIDENT_INDEX && window.INCIDENT_INDEX.rows === D.rows.length
    ? window.INCIDENT_INDEX : {names: [], places: [], words: []};
  const q = document.getElementById('incident-search');
  const pick = document.getElementById('incident-source');
  const scope = document.getElementById('incident-scope');
  const widen = document.getElementById('incident-widen');
  const body = document.querySelector('#incident-table tbody');
  const count = document.getElementById('incident-count');
  const more = document.getElementById('incident-more');
  const norm = s => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  const pad = s => ' ' + s + ' ';
  const cell = (r, c) => c === 5 ? D.outcomes[r[5]] : c === 6 ? D.sources[r[6]] : r[c];
  const rows = D.rows.map((r, i) => {
    const names = (X.names[i] || '').split('\\n').filter(Boolean);
    return {r, names, text: [0, 1, 2, 5, 6].map(c => cell(r, c)).join(' ').toLowerCase(),
            nameKeys: names.map(n => pad(norm(n))),
            places: pad(norm(cell(r, 1) || '') + ' ' + norm(X.places[i] || '')),
            words: pad(X.words[i] || '')};
  });
  // How well a row matches: 6 the query as whole words of a name ("Sandy Hook" in
  // "Sandy Hook Elementary School"), 5 at the start of a name's word, 4 anywhere in a
  // name, 3 every word in the names, 2 the query in the place, 1 anywhere else (a
  // narrative word, the date...). Each row also keeps the name that matched best.
  function match(x, terms, phrase) {
    const keys = terms.map(norm).filter(Boolean);
    const found = (t, k) => x.text.includes(t) || (k !== '' && (
      x.nameKeys.some(n => n.includes(k)) || x.places.includes(k) || x.words.includes(k)));
    if (!terms.every((t, i) => found(t, norm(t)))) return null;
    if (!phrase) return {score: 1, name: null};
    let best = {score: 1, name: null};
    x.nameKeys.forEach((n, i) => {
      const s = n.includes(pad(phrase)) ? 6 : n.includes(' ' + phrase) ? 5
        : n.includes(phrase) ? 4 : keys.every(k => n.includes(k)) ? 3 : 0;
      if (s > best.score) best = {score: s, name: x.names[i]};
    });
    if (best.score < 2 && x.places.includes(pad(phrase))) best.score = 2;
    return best;
  }
  let col = 0, dir = -1, limit = %(shown)d;
  function render() {
    const terms = q.value.toLowerCase().split(/\\s+/).filter(Boolean);
    const phrase = norm(q.value);
    const hits = [];
    let elsewhere = 0;  // matches in the other lists, while the table shows active attacks
    for (const x of rows) {
      if (pick.value !== '' && !(D.members[x.r[6]] || []).includes(+pick.value)) continue;
      const m = match(x, terms, phrase);
      if (!m) continue;
      if (scope.value === 'active' && !x.r[8]) elsewhere++;
      else hits.push({...x, m});
    }
    if (col === -1) {  // best match first; then more killed, then the latest
      hits.sort((a, b) => (b.m.score - a.m.score) || ((b.r[3] ?? -1) - (a.r[3] ?? -1))
                          || String(b.r[0]).localeCompare(String(a.r[0])));
    } else {
      hits.sort((a, b) => {
        const u = cell(a.r, col), v = cell(b.r, col);
        if (u === v) return 0;
        if (u === null) return 1;
        if (v === null) return -1;
        return (u < v ? -1 : 1) * dir;
      });
    }
    const out = document.createDocumentFragment();
    for (const x of hits.slice(0, limit)) {
      const tr = document.createElement('tr');
      for (let c = 0; c < 7; c++) {
        const td = document.createElement('td');
        const v = cell(x.r, c);
        if (c === 1 && x.r[7]) {  // the place opens the incident's page
          const a = document.createElement('a');
          a.href = 'incident.html?id=' + encodeURIComponent(x.r[7]);
          a.textContent = v === null ? 'Incident' : v;
          td.appendChild(a);
        } else {
          td.textContent = v === null ? '\\u2013' : v;
        }
        if (c === 1 && x.m.name && norm(x.m.name) !== norm(v || '')) {
          const small = document.createElement('small');
          small.className = 'matched-name';
          small.textContent = x.m.name;
          td.append(' ', small);
        }
        if (c === 3 || c === 4) td.className = 'num';
        tr.appendChild(td);
      }
      if (x.r[7]) {
        tr.dataset.incident = x.r[7];
        tr.classList.add('opens');
      }
      out.appendChild(tr);
    }
    body.replaceChildren(out);
    const shown = Math.min(limit, hits.length);
    count.textContent = `Showing ${shown.toLocaleString('en-US')} of `
      + `${hits.length.toLocaleString('en-US')} matching `
      + (scope.value === 'active'
        ? `active-shooter or active-attack incidents (on the FBI or ALERRT list); `
          + `${elsewhere.toLocaleString('en-US')} more match in the other lists`
        : `incidents from every list (${rows.length.toLocaleString('en-US')} in all)`)
      + (col === -1 ? ', best match first.' : '.');
    count.dataset.scope = scope.value;
    widen.hidden = !(scope.value === 'active' && elsewhere > 0);
    widen.textContent = `Show all lists (${elsewhere.toLocaleString('en-US')} more)`;
    count.dataset.matching = hits.length;
    more.hidden = shown >= hits.length;
    document.querySelectorAll('#incident-table th').forEach((th, c) => th.setAttribute(
      'aria-sort', c === col ? (dir > 0 ? 'ascending' : 'descending') : 'none'));
  }
  q.addEventListener('input', () => {
    limit = %(shown)d;
    if (q.value.trim() !== '') col = -1;
    else if (col === -1) { col = 0; dir = -1; }
    render();
  });
  pick.addEventListener('change', () => { limit = %(shown)d; render(); });
  scope.addEventListener('change', () => { limit = %(shown)d; render(); });
  widen.addEventListener('click', () => { scope.value = 'all'; limit = %(shown)d; render(); });
  more.addEventListener('click', () => { limit = Infinity; render(); });
  // A click anywhere on a row opens its incident, as its link does from the keyboard.
  body.addEventListener('click', e => {
    const tr = e.target.closest('tr[data-incident]');
    if (tr && !e.target.closest('a')) tr.querySelector('a').click();
  });
  document.querySelectorAll('#incident-table th button').forEach(b => {
    b.addEventListener('click', () => {
      const c = +b.dataset.col;
      dir = c === col ? -dir : (c === 3 || c === 4 || c === 0 ? -1 : 1);
      col = c;
      render();
    });
  });
  render();
})();
</script>"""

STYLE = """<style>
 #incident-controls { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: center;
   margin: 1rem 0 .5rem; }
 #incident-search { font: inherit; padding: .3rem .5rem; min-width: 20rem; }
 #incident-source { font: inherit; padding: .25rem; max-width: 20rem; }
 #incident-scope { font: inherit; padding: .25rem; max-width: 100%; }
 #incident-table { width: 100%; }
 #incident-table th button { font: inherit; font-weight: 600; background: none; border: 0;
   padding: 0; cursor: pointer; color: inherit; }
 #incident-table th[aria-sort="ascending"] button::after { content: " ▲"; }
 #incident-table th[aria-sort="descending"] button::after { content: " ▼"; }
 #incident-table tbody tr:nth-child(even) { background: #f7f8fa; }
 #incident-table td:first-child { white-space: nowrap; }
 #incident-more { font: inherit; margin: .8rem 0; }
 #incident-widen { font: inherit; margin: 0 0 .5rem; }
 #incident-table tr.opens { cursor: pointer; }
 #incident-table tr.opens:hover { background: #eef4fa; }
 #incident-table .matched-name { color: var(--muted); }
</style>"""

HEADERS = ("Date", "Place", "State", "Killed", "Injured", "Outcome", "Source")


def table_rows(data: DashboardData) -> tuple[pl.DataFrame, str]:
    """The table's rows and a sentence saying where they come from.

    Uses the linked ``incidents`` table when the warehouse has one with the
    expected columns; otherwise one row per source record, and says why.
    """
    if data.has_table("incidents"):
        missing = INCIDENT_COLUMNS - data.columns("incidents")
        if not missing and data.has_table("incident_links"):
            return (data.query("incident_table_linked"),
                    "One row per incident: the records several lists hold of the same attack "
                    "are linked and counted once; Source names every list that records it. "
                    "Place is the city, else the incident's name.")
        why = ("the linked incidents lack some of the fields this table shows" if missing
               else "the links between lists are missing")
        note = f"Incidents could not be shown linked ({why}), so this table shows each list's " \
               "records instead. "
    else:
        note = ""
    return (data.query("incident_table"),
            note + "One row per record per list: records are not linked across lists yet, "
            "so an attack in several lists appears once per list. Place is the city, else the "
            "county, else the source's name for the incident.")


def compact(data: DashboardData, frame: pl.DataFrame) -> dict:
    """Rows as short arrays: outcome and source as indexes into lists shipped once; then
    the incident's id (its page), NULL for unlinked source records, and 1 when the FBI or
    ALERRT lists it (the rows the table opens on), else 0.

    ``source`` may name several sources ("fbi + gva", for linked incidents):
    ``members`` lists, for each such value, the single sources the filter offers.
    """
    outcomes = sorted({o for o in frame["outcome"].to_list() if o is not None})
    sources = sorted({s for s in frame["source"].to_list() if s is not None})
    singles = sorted({p for s in sources for p in s.split(" + ")})
    o_index = {o: i for i, o in enumerate(outcomes)}
    s_index = {s: i for i, s in enumerate(sources)}
    members = [[singles.index(p) for p in s.split(" + ")] for s in sources]
    rows = [
        [r[0], r[1], r[2], r[3], r[4], o_index.get(r[5]), s_index.get(r[6]), r[7], int(r[8])]
        for r in frame.select("date", "place", "state", "killed", "injured", "outcome",
                              "source", "incident_id", "active_shooter").iter_rows()
    ]
    labels = [" + ".join(data.label(p) for p in s.split(" + ")) for s in sources]
    return {"outcomes": [o.replace("_", " ") for o in outcomes], "sources": labels,
            "singles": [data.label(s) for s in singles], "members": members, "rows": rows}


def search_index(frame: pl.DataFrame) -> str:
    """``data/incident_index.js``: per table row, the incident names of every linked record
    (one a line), their cities and counties, and the distinct words of their narratives.

    Shipped beside the page rather than inside it (a ``<script src>`` works from
    file://), so narratives can grow without the page passing 2 MB.
    """
    index = {
        "rows": frame.height,
        "names": frame["search_names"].fill_null("").to_list(),
        "places": frame["search_places"].fill_null("").to_list(),
        "words": frame["search_words"].fill_null("").to_list(),
    }
    blob = json.dumps(index, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")
    return f"window.INCIDENT_INDEX = {blob};\n"


SEARCH_COLUMNS = ("search_names", "search_places", "search_words")


def page(data: DashboardData) -> Page:
    """The Incidents page: search box, source filter, sortable headers, first rows shown."""
    frame, origin = table_rows(data)
    packed = compact(data, frame)
    options = "".join(f'<option value="{i}">{html.escape(s)}</option>'
                      for i, s in enumerate(packed["singles"]))
    heads = "".join(
        f'<th{" class=num" if i in (3, 4) else ""}><button type="button" data-col="{i}">'
        f"{h}</button></th>" for i, h in enumerate(HEADERS))
    as_of = "; ".join(f"{html.escape(s.label)} {s.last_date}" for s in data.loaded)
    blob = json.dumps(packed, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")
    intro = (
        "<p>The table opens on active-shooter and active-attack incidents: those the FBI "
        "lists as an active shooter incident or ALERRT as an active attack. Choose "
        "&ldquo;All lists&rdquo; under Show to add the mass-shooting and school-shooting "
        "lists, whose incidents are mostly not active attacks (a mass shooting is 4+ people "
        "shot, whatever the circumstances).</p>"
        f"<p>{origin} Killed and injured are victims (attackers not counted); &ndash; means the "
        "source does not say.</p>"
        "<p>The search also reads every source's name for the incident (&ldquo;Columbine High "
        "School&rdquo;, &ldquo;Pulse Nightclub&rdquo;) and the words of the sources' "
        "narratives; the best matches come first: the words as a phrase in a name, then in a "
        "place, then anywhere. A place opens the incident's page: every source's record side "
        "by side.</p>"
        f'<p class="provenance">{fmt_int(frame.height)} rows from every list, '
        f'{fmt_int(frame["active_shooter"].sum())} of them on the FBI or ALERRT list. '
        f"Data as of: {as_of}. "
        'All rows as <a href="data/incidents.csv">CSV</a>; definitions on the '
        '<a href="sources.html">Sources</a> page.</p>'
    )
    body: list = [
        '<div id="incident-controls">'
        '<label>Show <select id="incident-scope">'
        '<option value="active" selected>Active-shooter and active-attack incidents '
        "(FBI or ALERRT list)</option>"
        '<option value="all">All lists (also mass shootings, school shootings)</option>'
        "</select></label>"
        '<label>Search <input id="incident-search" type="search" '
        'placeholder="name, place, state, date, outcome or source" autocomplete="off">'
        "</label>"
        f'<label>Source <select id="incident-source"><option value="">All sources</option>'
        f"{options}</select></label></div>",
        '<p id="incident-count" aria-live="polite"></p>',
        '<button type="button" id="incident-widen" hidden></button>',
        # Scrolls inside itself on a phone (the page never scrolls sideways); focusable,
        # so a keyboard can scroll it too.
        '<div class="table-wrap" id="incident-table-wrap" tabindex="0" role="region" '
        'aria-label="Incidents (scrolls sideways on a narrow screen)">'
        f'<table id="incident-table"><thead><tr>{heads}</tr></thead><tbody></tbody></table>'
        "</div>",
        '<button type="button" id="incident-more" hidden>Show all matching records</button>',
        "<noscript><p>The table needs JavaScript; the same rows are in "
        '<a href="data/incidents.csv">data/incidents.csv</a>.</p></noscript>',
        f'<script type="application/json" id="incident-data">{blob}</script>',
        '<script src="data/incident_index.js"></script>',
        SCRIPT % {"shown": SHOWN},
    ]
    return Page("incidents.html", "Incidents", intro, body, extra_head=STYLE,
                files={"incidents": frame.drop(SEARCH_COLUMNS)},
                scripts={"data/incident_index.js": search_index(frame)})
