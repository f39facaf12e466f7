(() => {
  // The incident page: reads ?id=, loads the data file holding that incident with a
  // <script src> (works from file://, unlike fetch), then builds every element with
  // textContent, so nothing a source wrote is ever read as markup.
  const SOURCES = JSON.parse(document.getElementById('incident-sources').textContent);
  const SHARDS = JSON.parse(document.getElementById('incident-shards').textContent);
  const SITE = document.title.split(' | ').slice(1).join(' | ');
  const status = document.getElementById('incident-status');
  const id = new URLSearchParams(location.search).get('id') || '';
  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  };
  const say = text => { status.textContent = text; status.hidden = false; };
  if (!/^[A-Za-z0-9_-]+$/.test(id)) {
    say('No incident chosen: open one from the Incidents table.');
    return;
  }
  const shard = id.slice(-SHARDS.chars).toLowerCase().replace(/[^a-z0-9]/g, '_');
  const script = document.createElement('script');
  script.src = SHARDS.folder + '/' + shard + '.js';
  script.onerror = () => say('The data file ' + script.src.split('/').slice(-3).join('/')
                             + ' is missing: rebuild the site (incidents refresh).');
  script.onload = () => {
    const inc = (window.INCIDENT_SHARD || {})[id];
    if (!inc) { say('No incident ' + id + ' in this build of the site.'); return; }
    // Records ship as arrays in the order of SHARDS.columns, file URLs as indexes.
    inc.records = inc.records.map(values => {
      const r = {};
      SHARDS.columns.forEach((c, k) => { r[c] = values[k]; });
      r.source_url = r.source_url === null ? null : SHARDS.urls[r.source_url];
      return r;
    });
    inc.differences = inc.differences.map(([field, source, record, value, best]) =>
      ({field, source, record, value, best, differs: true}));
    show(inc);
  };
  document.head.appendChild(script);

  const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
                  'September', 'October', 'November', 'December'];
  const longDate = d => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d || '');
    return m ? `${+m[3]} ${MONTHS[+m[2] - 1]} ${m[1]}` : 'date unknown';
  };
  const words = v => (v === null || v === undefined) ? null : String(v).replace(/_/g, ' ');
  const yesNo = v => v === true ? 'yes' : v === false ? 'no' : null;
  const label = s => (SOURCES[s] || {}).label || s;

  // Rows of the side-by-side table: [label, discrepancy field or null, value of a record,
  // value of the incident's best estimate (first column) or undefined].
  const FIELDS = [
    ["Source's record id", null, r => r.source_record_id],
    ['Name in the source', null, r => r.incident_name],
    ['Date', 'incident_date', r => r.incident_date, i => i.incident_date],
    ['Start time', null, r => r.start_time],
    ['City', 'city', r => r.city, i => i.city],
    ['County', null, r => r.county],
    ['State', 'state', r => r.state, i => i.state],
    ['Location type', 'location_type', r => words(r.location_type), i => words(i.location_type),
     r => r.location_type_raw],
    ['Killed (victims)', 'killed', r => r.killed, i => i.killed, r => r.killed_raw],
    ['Injured (victims)', 'injured', r => r.injured, i => i.injured, r => r.injured_raw],
    ['How it ended', 'end_method', r => words(r.end_method), i => words(i.end_method)],
    ['Stopped by', null, r => words(r.stopped_by)],
    ["Attacker's fate", 'attacker_fate',
     r => r.attacker_fate && r.attacker_fate !== 'unknown' && r.attacker_fate_basis
       ? `${r.attacker_fate} (${r.attacker_fate_basis}`
         + (r.attacker_fate_from ? ` from ${r.attacker_fate_from})` : ')')
       : r.attacker_fate,
     i => i.attacker_fate, r => r.attacker_outcome_raw],
    ['Ended before police arrived', null, r => yesNo(r.ended_before_police)],
    ['Duration (minutes)', null, r => r.duration_min],
    ['Officers killed', null, r => r.officers_killed],
    ['Officers injured', null, r => r.officers_injured],
    ['Attackers', null, r => r.attackers],
    ['Derived, not stated', null, r => (r.derivations || []).join('; ') || null],
    ['Quality flags', null, r => (r.quality_flags || []).map(words).join('; ') || null],
    ['Listed twice by its source', null,
     r => r.source_duplicate ? 'yes: another record of this source is the same incident' : null],
  ];

  function show(inc) {
    const place = [inc.city, inc.state].filter(Boolean).join(', ') || 'Place unknown';
    const title = `${place}, ${longDate(inc.incident_date)}`;
    document.querySelector('main h1').textContent = title;
    document.title = title + (SITE ? ' | ' + SITE : '');
    status.hidden = true;
    document.getElementById('incident-body').hidden = false;
    const diffs = {};
    const disputed = new Set();
    for (const d of inc.differences || []) {
      diffs[`${d.source}\u0000${d.record}\u0000${d.field}`] = d;
      if (d.differs) disputed.add(d.field);
    }
    const recs = inc.records;
    const summary = document.getElementById('incident-summary');
    summary.textContent = `${recs.length} record${recs.length === 1 ? '' : 's'} from `
      + `${inc.n_sources} source${inc.n_sources === 1 ? '' : 's'} describe this incident; `
      + (disputed.size ? `they differ on ${[...disputed].map(words).join(', ')}.`
                       : 'they do not differ on any compared field.');
    summary.dataset.disputed = [...disputed].join(' ');

    const seen = {};
    const heads = recs.map(r => {
      seen[r.source] = (seen[r.source] || 0) + 1;
      return label(r.source) + (seen[r.source] > 1 ? ` (record ${seen[r.source]})` : '');
    });
    const headRow = el('tr');
    headRow.append(el('th', 'Field'), el('th', 'Incident (best estimate)'));
    recs.forEach((r, k) => {
      const th = el('th', heads[k]);
      th.scope = 'col';
      th.dataset.source = r.source;
      headRow.append(th);
    });
    document.querySelector('#record-table thead').replaceChildren(headRow);
    const body = document.createDocumentFragment();
    for (const [name, field, get, best, raw] of FIELDS) {
      const values = recs.map(get);
      if (values.every(v => v === null || v === undefined || v === '')
          && !(best && best(inc) !== null)) continue;
      const tr = el('tr');
      const th = el('th', name);
      th.scope = 'row';
      if (field && disputed.has(field)) {
        tr.dataset.disputed = field;
        th.append(el('br'), el('small', 'sources differ', 'disputed'));
      }
      tr.append(th, el('td', best ? (best(inc) ?? '\u2013') : '', 'best'));
      recs.forEach((r, k) => {
        const v = values[k];
        const td = el('td');
        const d = field ? diffs[`${r.source}\u0000${r.source_record_id}\u0000${field}`] : null;
        if (d && d.differs) {
          const m = el('mark', '\u2260 ' + (v ?? '\u2013'), 'differs');
          td.append(m, ' ', el('small', `(best estimate: ${words(d.best)})`));
          td.dataset.differs = 'true';
          td.title = `differs from the best estimate, ${words(d.best)}`;
        } else {
          td.textContent = v === null || v === undefined || v === '' ? '\u2013' : v;
        }
        const said = raw ? raw(r) : null;
        if (said !== null && said !== undefined && said !== '' && String(said) !== String(v)) {
          td.append(el('br'), el('small', 'as written: ' + said, 'raw'));
        }
        tr.append(td);
      });
      body.append(tr);
    }
    const links = el('tr');
    const lth = el('th', 'Links');
    lth.scope = 'row';
    links.append(lth, el('td', ''));
    for (const r of recs) {
      const td = el('td');
      const s = SOURCES[r.source] || {};
      const add = (href, text) => {
        if (!href || !/^https?:\/\//.test(href)) return;
        if (td.childNodes.length) td.append(el('br'));
        const a = el('a', text);
        a.href = href;
        a.rel = 'noopener noreferrer';
        td.append(a);
      };
      add(r.record_url, 'this record at the publisher');
      add(s.homepage, 'source homepage');
      add(r.source_url, `file ${r.source_file || ''}` + (r.source_row ? `, row ${r.source_row}` : ''));
      links.append(td);
    }
    body.append(links);
    document.querySelector('#record-table tbody').replaceChildren(body);

    const out = document.getElementById('narratives');
    out.replaceChildren();
    recs.forEach((r, k) => {
      const s = SOURCES[r.source] || {};
      const section = el('section', null, 'narrative');
      section.dataset.source = r.source;
      section.append(el('h3', heads[k]));
      if (r.narrative) {
        section.append(el('p', r.narrative_field ? `From the source's ${r.narrative_field}:`
                                                 : 'From the source:', 'meta'));
        section.append(el('blockquote', r.narrative));
      } else {
        section.append(el('p', "This source's record has no narrative.", 'meta none'));
      }
      const credit = el('p', null, 'credit');
      credit.append(el('span', 'Source: ' + (s.attribution || s.title || r.source) + '. '));
      credit.append(el('span', 'Licence: ' + (s.licence || 'not stated') + '.'));
      if (s.homepage && /^https?:\/\//.test(s.homepage)) {
        const a = el('a', 'Homepage');
        a.href = s.homepage;
        a.rel = 'noopener noreferrer';
        credit.append(' ', a);
      }
      section.append(credit);
      out.append(section);
    });
  }
})();
