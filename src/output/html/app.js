// quietwire report and dashboard: the device table (sort, filter, details) drawn from the
// JSON in #qw-data (a report file) or from api/view (the live dashboard). Every value from
// the capture is put in the page with textContent, never parsed as HTML; the only HTML
// inserted is the server-rendered, escaped summary, chart and health fragments. The page
// makes no request except, when live, to its own origin.
(function () {
  'use strict';
  const PAGE = 500;
  const CONF = { low: 0, medium: 1, high: 2 };
  const live = document.body.getAttribute('data-mode') === 'live';
  const state = { sort: null, dir: 1, text: '', flagged: false, vlan: '', selected: null, limit: PAGE };
  let devices = [];
  let byMac = new Map();
  let tplink = 'tp-link';

  const $ = (id) => document.getElementById(id);

  function el(tag, opts, children) {
    const e = document.createElement(tag);
    if (opts) {
      for (const [k, v] of Object.entries(opts)) {
        if (v === undefined || v === null) continue;
        if (k === 'text') e.textContent = String(v);
        else if (k === 'cls') e.className = v;
        else e.setAttribute(k, String(v));
      }
    }
    for (const c of children || []) {
      if (c === null || c === undefined) continue;
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return e;
  }

  const shortTime = (t) => (t ? String(t).replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '');
  // Every digit, but breakable between date and time.
  const longTime = (t) => (t ? String(t).replace('T', ' ') : '');
  const list = (a) => (a && a.length ? a.join(', ') : '');

  function topFlag(d) {
    let best = null;
    for (const f of d.flags) if (!best || CONF[f.confidence] > CONF[best.confidence]) best = f;
    return best;
  }

  function ipNum(s) {
    const p = String(s || '').split('.');
    if (p.length !== 4) return Infinity;
    return ((+p[0] * 256 + +p[1]) * 256 + +p[2]) * 256 + +p[3];
  }

  function index(listIn) {
    devices = listIn;
    byMac = new Map();
    for (const d of devices) {
      byMac.set(d.mac, d);
      const tf = topFlag(d);
      d._conf = tf ? CONF[tf.confidence] : -1;
      d._search = [
        d.mac, d.vendor, d.model, d.firmware, d.ipv4.join(' '), d.ipv6.join(' '), d.hostnames.join(' '),
        d.protocols.join(' '), d.vlans.map((v) => 'vlan ' + v).join(' '), d.dns_queries.join(' '),
        d.flags.map((f) => f.brand + ' ' + f.watchlist + ' ' + f.confidence).join(' '),
        d.risks.map((r) => r.id + ' ' + r.title).join(' '),
      ].join('\n').toLowerCase();
    }
  }

  const KEYS = {
    flag: (d) => [d.rank, -d._conf],
    mac: (d) => [d.mac],
    vendor: (d) => [d.vendor ? d.vendor.toLowerCase() : '\uffff'],
    model: (d) => [d.model ? d.model.toLowerCase() : '\uffff'],
    ipv4: (d) => [d.ipv4.length ? ipNum(d.ipv4[0]) : Infinity],
    hostname: (d) => [d.hostnames.length ? d.hostnames[0].toLowerCase() : '\uffff'],
    vlan: (d) => [d.vlans.length ? d.vlans[0] : Infinity],
    protocols: (d) => [d.protocols.join(',')],
    packets: (d) => [d.packets],
    first: (d) => [d.first_ms],
    last: (d) => [d.last_ms],
  };

  function compare(a, b) {
    for (let i = 0; i < a.length; i++) {
      if (a[i] < b[i]) return -1;
      if (a[i] > b[i]) return 1;
    }
    return 0;
  }

  function sorted(rows) {
    const key = state.sort ? KEYS[state.sort] : KEYS.flag;
    const dir = state.sort ? state.dir : 1;
    const decorated = rows.map((d) => [key(d), d]);
    decorated.sort((x, y) => dir * compare(x[0], y[0]) || (x[1].mac < y[1].mac ? -1 : x[1].mac > y[1].mac ? 1 : 0));
    return decorated.map((x) => x[1]);
  }

  function matches(d) {
    if (state.flagged && !d.flags.length) return false;
    if (state.vlan === 'untagged' && (d.vlans.length || d.outer_vlans.length)) return false;
    if (state.vlan && state.vlan !== 'untagged') {
      const v = +state.vlan;
      if (!d.vlans.includes(v) && !d.outer_vlans.includes(v)) return false;
    }
    if (state.text) {
      for (const word of state.text.split(/\s+/)) if (word && !d._search.includes(word)) return false;
    }
    return true;
  }

  function flagCell(d) {
    const td = el('td', { cls: 'flag' });
    const f = topFlag(d);
    if (f) {
      const who = f.watchlist === tplink ? f.brand : f.watchlist + ': ' + f.brand;
      td.appendChild(el('span', { cls: 'badge ' + f.confidence, text: who + ' · ' + f.confidence }));
    } else if (d.hints.length) {
      td.appendChild(el('span', { cls: 'muted', text: 'hint: ' + d.hints[0].brand }));
    }
    if (d.risks.length) {
      td.appendChild(document.createTextNode(' '));
      td.appendChild(el('span', { cls: 'badge risk', title: d.risks.map((r) => r.id).join(', '), text: '⚠ ' + d.risks.length }));
    }
    return td;
  }

  // Date and time, each unbreakable.
  function timeCell(t, cls) {
    const [day, time] = shortTime(t).split(' ');
    return el('td', { cls: cls }, [el('span', { text: day || '' }), ' ', el('span', { text: time || '' })]);
  }

  function row(d) {
    const vendor = d.vendor || (d.mac_kind === 'local' ? '(locally administered)' : '(not registered)');
    const vl = d.vlans.concat(d.outer_vlans.map((v) => 'outer ' + v));
    const tr = el('tr', { 'data-mac': d.mac, 'data-rank': d.rank, tabindex: 0, cls: d.flags.length ? 'flagged' : '' }, [
      flagCell(d),
      el('td', { cls: 'mac', text: d.mac }),
      el('td', { cls: d.vendor ? '' : 'muted', text: vendor }),
      el('td', { text: d.model || '' }),
      el('td', { cls: 'ip', text: d.ipv4.length > 1 ? d.ipv4[0] + ' (+' + (d.ipv4.length - 1) + ')' : d.ipv4[0] || '' }),
      el('td', { cls: 'hostname', text: d.hostnames.length > 1 ? d.hostnames[0] + ' (+' + (d.hostnames.length - 1) + ')' : d.hostnames[0] || '' }),
      el('td', { cls: 'vlan', text: vl.join(', ') }),
      el('td', { cls: 'opt', text: d.protocols.join(', ') }),
      el('td', { cls: 'num opt', text: d.packets }),
      timeCell(d.first_seen, 'time opt'),
      timeCell(d.last_seen, 'time'),
    ]);
    if (d.mac === state.selected) tr.classList.add('selected');
    return tr;
  }

  function render() {
    const shown = sorted(devices.filter(matches));
    const limit = Math.min(state.limit, shown.length);
    const body = document.createDocumentFragment();
    for (let i = 0; i < limit; i++) body.appendChild(row(shown[i]));
    const tbody = $('qw-table').tBodies[0];
    tbody.replaceChildren(body);
    const flagged = devices.filter((d) => d.flags.length).length;
    $('qw-count').textContent =
      (shown.length === devices.length ? devices.length + ' devices' : shown.length + ' of ' + devices.length + ' devices') +
      ', ' + flagged + ' flagged' + (limit < shown.length ? ' · first ' + limit + ' shown' : '');
    const more = $('qw-more');
    if (limit < shown.length) {
      more.hidden = false;
      more.textContent = 'Show ' + Math.min(PAGE, shown.length - limit) + ' more (' + (shown.length - limit) + ' not shown)';
    } else {
      more.hidden = true;
    }
    for (const th of $('qw-table').tHead.rows[0].cells) {
      const k = th.getAttribute('data-key');
      if (state.sort === k) th.setAttribute('aria-sort', state.dir > 0 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
    showDetail();
  }

  function vlanOptions() {
    const sel = $('qw-vlan');
    const seen = new Set();
    let untagged = false;
    for (const d of devices) {
      for (const v of d.vlans) seen.add(v);
      for (const v of d.outer_vlans) seen.add(v);
      if (!d.vlans.length && !d.outer_vlans.length) untagged = true;
    }
    const opts = [el('option', { value: '', text: 'all' })];
    if (untagged) opts.push(el('option', { value: 'untagged', text: 'untagged' }));
    for (const v of Array.from(seen).sort((a, b) => a - b)) opts.push(el('option', { value: String(v), text: String(v) }));
    sel.replaceChildren(...opts);
    sel.value = state.vlan;
    if (sel.value !== state.vlan) state.vlan = '';
  }

  function dl(pairs) {
    const d = el('dl');
    for (const [k, v, cls] of pairs) {
      if (v === '' || v === null || v === undefined) continue;
      d.appendChild(el('dt', { text: k }));
      d.appendChild(el('dd', { cls: cls, text: v }));
    }
    return d;
  }

  function table(cls, head, rows) {
    return el('table', { cls: cls }, [
      el('thead', null, [el('tr', null, head.map((h) => el('th', { text: h })))]),
      el('tbody', null, rows),
    ]);
  }

  function evidenceTable(f) {
    return table('evidence', ['', 'source · rule', 'evidence · first seen'], f.evidence.map((e) =>
      el('tr', { cls: e.conflict ? 'against' : '' }, [
        el('td', null, [el('span', { cls: 'badge mark ' + (e.conflict ? 'low' : e.confidence), text: e.conflict ? 'against' : e.confidence })]),
        el('td', null, [el('div', { cls: 'source', text: e.source }), el('div', { cls: 'rule muted', text: e.rule })]),
        el('td', null, [
          el('div', null, [el('span', { cls: 'field', text: e.field }), ': ', el('span', { cls: 'value', text: e.value })]),
          el('div', { cls: 'why muted', text: e.detail }),
          el('div', { cls: 'mono seen', title: e.first_seen, text: longTime(e.first_seen) }),
        ]),
      ])));
  }

  function flagBlock(f, what) {
    return el('div', { cls: 'flagbox' }, [
      el('div', null, [el('strong', { text: what + ' ' + f.watchlist }), ': brand ' + f.brand + ', confidence ' + f.confidence]),
      evidenceTable(f),
    ]);
  }

  function detailNodes(d, withClose) {
    const nodes = [];
    if (withClose) {
      const close = el('button', { cls: 'close', type: 'button', title: 'Close', 'aria-label': 'Close', text: '×' });
      close.addEventListener('click', () => { state.selected = null; render(); });
      nodes.push(close);
    }
    nodes.push(el('h3', { cls: 'mono', text: d.mac }));
    nodes.push(dl([
      ['vendor', d.vendor || (d.mac_kind === 'local' ? 'locally administered MAC: no registered vendor' : 'not registered')],
      ['IPv4', list(d.ipv4), 'mono'], ['IPv6', list(d.ipv6), 'mono'], ['host names', list(d.hostnames)],
      ['model', d.model || ''], ['firmware', d.firmware || ''],
      ['VLANs', list(d.vlans.map(String).concat(d.outer_vlans.map((v) => 'outer ' + v)))],
      ['first seen', longTime(d.first_seen), 'mono'], ['last seen', longTime(d.last_seen), 'mono'],
      ['sent', d.packets + ' frames, ' + d.bytes + ' bytes'], ['protocols', list(d.protocols)], ['roles', list(d.roles)],
    ]));
    if (d.risks.length) {
      nodes.push(el('h4', { text: 'Risks' }));
      for (const r of d.risks) {
        nodes.push(el('div', { cls: 'riskbox' }, [
          el('div', null, [el('strong', { text: r.id }), ' (' + r.kind + ', ' + r.watchlist + '): ' + r.title]),
          el('div', { cls: 'muted', text: r.evidence }),
        ]));
      }
    }
    nodes.push(el('h4', { text: d.flags.length ? 'Why it is flagged' : 'Not flagged' }));
    for (const f of d.flags) nodes.push(flagBlock(f, 'Flagged on'));
    for (const f of d.hints) nodes.push(flagBlock(f, 'Hint (below the threshold) on'));
    nodes.push(el('h4', { text: 'Facts (' + d.facts.length + ')' }));
    if (!d.facts.length) nodes.push(el('p', { cls: 'muted', text: 'none: it only sent frames' }));
    else nodes.push(table('facts', ['field', 'value', 'source · first seen'], d.facts.map((f) =>
      el('tr', null, [
        el('td', { cls: 'field', text: f.field }),
        el('td', { cls: 'value', text: f.value }),
        el('td', null, [el('div', { cls: 'source', text: f.source }), el('div', { cls: 'mono seen', title: f.first_seen, text: longTime(f.first_seen) })]),
      ]))));
    if (d.notes.length) {
      nodes.push(el('h4', { text: 'Notes' }));
      nodes.push(el('ul', null, d.notes.map((n) => el('li', { text: Object.entries(n).map(([k, v]) => k + ' ' + v).join(', ') }))));
    }
    return nodes;
  }

  function showDetail() {
    const aside = $('qw-detail');
    const d = state.selected && byMac.get(state.selected);
    const split = aside.parentElement;
    if (!d) {
      aside.hidden = true;
      aside.replaceChildren();
      split.classList.remove('with-detail');
      return;
    }
    aside.replaceChildren(...detailNodes(d, true));
    aside.hidden = false;
    split.classList.add('with-detail');
  }

  function printEvidence() {
    const flagged = sorted(devices.filter((d) => d.flags.length || d.risks.length));
    const sec = $('qw-print-evidence');
    const nodes = [el('h2', { text: 'Evidence for flagged devices (' + flagged.length + ')' })];
    for (const d of flagged) nodes.push(el('div', { cls: 'device devinfo' }, detailNodes(d, false)));
    sec.replaceChildren(...nodes);
  }

  function select(mac) {
    state.selected = state.selected === mac ? null : mac;
    render();
  }

  function wire() {
    const filter = $('qw-filter');
    const onFilter = () => {
      const text = filter.value.trim().toLowerCase();
      if (text === state.text) return;
      state.text = text;
      state.limit = PAGE;
      render();
    };
    for (const ev of ['input', 'change', 'search']) filter.addEventListener(ev, onFilter);
    const flagged = $('qw-flagged');
    flagged.addEventListener('change', () => { state.flagged = flagged.checked; state.limit = PAGE; render(); });
    const vlan = $('qw-vlan');
    vlan.addEventListener('change', () => { state.vlan = vlan.value; state.limit = PAGE; render(); });
    $('qw-more').addEventListener('click', () => { state.limit += PAGE; render(); });
    $('qw-table').tHead.addEventListener('click', (ev) => {
      const th = ev.target.closest('th');
      if (!th) return;
      const k = th.getAttribute('data-key');
      if (state.sort === k) state.dir = -state.dir;
      else { state.sort = k; state.dir = 1; }
      render();
    });
    const tbody = $('qw-table').tBodies[0];
    tbody.addEventListener('click', (ev) => {
      const tr = ev.target.closest('tr');
      if (tr) select(tr.getAttribute('data-mac'));
    });
    tbody.addEventListener('keydown', (ev) => {
      const tr = ev.target.closest('tr');
      if (tr && (ev.key === 'Enter' || ev.key === ' ')) { ev.preventDefault(); select(tr.getAttribute('data-mac')); }
    });
    let saved = PAGE;
    window.addEventListener('beforeprint', () => { saved = state.limit; state.limit = Infinity; render(); printEvidence(); });
    window.addEventListener('afterprint', () => { state.limit = saved; render(); });
  }

  function load(data) {
    tplink = data.tplink_watchlist || tplink;
    index(data.devices);
    if (state.selected && !byMac.has(state.selected)) state.selected = null;
    vlanOptions();
    render();
  }

  // --- live dashboard -------------------------------------------------------------------
  let etag = null;
  let busy = false;
  let again = false;
  // A large inventory takes a while to load and draw: wait four times that between loads.
  let notBefore = 0;

  function status(ok, text) {
    const s = $('qw-status');
    s.replaceChildren(el('span', { cls: 'live-dot' + (ok ? '' : ' stale') }), text);
  }

  async function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    const t0 = Date.now();
    try {
      const r = await fetch('api/view', { cache: 'no-store', headers: etag ? { 'If-None-Match': etag } : {} });
      if (r.status !== 304) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        const v = await r.json();
        etag = r.headers.get('ETag');
        // Fragments are rendered and escaped by quietwire.
        $('qw-headline').innerHTML = v.fragments.headline;
        $('qw-charts').innerHTML = v.fragments.charts;
        $('qw-health').innerHTML = v.fragments.health;
        document.title = v.title;
        load(v.data);
        status(true, v.subtitle);
      }
    } catch (e) {
      status(false, 'not updating: ' + e.message);
    } finally {
      busy = false;
      notBefore = Date.now() + Math.max(1000, 4 * (Date.now() - t0));
      if (again) { again = false; setTimeout(refresh, Math.max(200, notBefore - Date.now())); }
    }
  }

  wire();
  if (live) {
    refresh();
    setInterval(refresh, 5000);
    if (window.EventSource) {
      let timer = null;
      const es = new EventSource('api/events');
      es.onmessage = () => {
        if (!timer) timer = setTimeout(() => { timer = null; refresh(); }, Math.max(300, notBefore - Date.now()));
      };
    }
  } else {
    load(JSON.parse($('qw-data').textContent));
  }
})();
