// Vigil's operations-room console: the map of the border, the open incidents pushed over one
// WebSocket, the operators' review actions, the alarm for unacknowledged critical incidents, and
// the history with replay. Plain ES module, no build step; Leaflet (global L) is served by vigild.

const SEV_RANK = { critical: 0, high: 1, medium: 2, low: 3 };
const HEALTH_KINDS = new Set(['camera_offline', 'coverage_gap']);
const KNOWN_KINDS = ['border_crossing', 'intrusion', 'loitering', 'night_movement', 'camera_offline', 'coverage_gap'];
const COUNTRY = { SY: 'Syria', IQ: 'Iraq', TR: 'Turkey', JO: 'Jordan' };
const BEEP_EVERY_MS = 3000;
const M_PER_DEG = 111320;

const $ = (id) => document.getElementById(id);

// What the tests read (window.vigilConsole); kept up to date by the code below.
const vc = window.vigilConsole = {
  soundsPlayed: 0, notificationsShown: 0, incidents: {}, connected: false,
  sounding: false, alarmIds: [], shown: {}, criticalShown: {}, reviewedAt: {}, replaying: false, beepEveryMs: BEEP_EVERY_MS,
};

const state = {
  user: null, site: null, zoneNames: {}, lastSeq: 0,
  ws: null, retry: 0, retryTimer: null, syncing: true, queue: [], synced: false, resync: null,
  selected: null, selectedGone: false, muted: false, beepTimer: null, audio: null,
  notified: new Set(), notes: new Map(), replay: null,
};
const layers = new Map();   // incident id -> {marker, track, gap, label}
const cameras = new Map();  // camera id -> {wedge, dot, latlng}
const rows = new Map();     // incident id -> <li>
let border = null;          // the border feature: its [lat, lon] vertices

// ---------------------------------------------------------------------------------------------
// Text

const pad = (n) => String(n).padStart(2, '0');
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const utc = (ms) => (ms == null ? '—' : new Date(ms).toISOString().slice(0, 19).replace('T', ' ') + 'Z');
const kindName = (k) => { const s = String(k || 'alert').replace(/_/g, ' '); return s[0].toUpperCase() + s.slice(1); };
const zoneName = (id) => state.zoneNames[id] || id || '—';
const dirText = (d) => (d ? d.replace('->', ' → ') : '');

function age(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${pad(m % 60)}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

function whatText(inc) {
  if (inc.kind === 'camera_offline') {
    const n = (inc.cameras || []).length;
    return `${n} camera${n === 1 ? '' : 's'} offline: ${(inc.cameras || []).join(', ')}`;
  }
  if (inc.kind === 'coverage_gap' && inc.stretch) {
    const s = inc.stretch;
    return `no camera on km ${s.from_km}–${s.to_km} (${s.km} km)`;
  }
  const n = inc.count ?? 1;
  const cls = inc.class || 'target';
  const plural = { person: 'people', unknown: 'unknown' }[cls] || `${cls}s`;
  return `${n} ${n === 1 ? cls : plural}`;
}

function reviewState(r) {
  if (r.closed_by) return ['closed', `Closed by ${r.closed_by}`];
  const assigned = r.assigned_to ? ` · assigned to ${r.assigned_to}` : '';
  if (r.acknowledged_by) return ['ack', `Acknowledged by ${r.acknowledged_by}${assigned}`];
  return ['new', `NEW, not acknowledged${assigned}`];
}

// ---------------------------------------------------------------------------------------------
// Server

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(method, path, body) {
  let res;
  try {
    res = await fetch(path, {
      method, credentials: 'same-origin', cache: 'no-store',
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch (e) {
    throw new ApiError(0, 'vigild cannot be reached');
  }
  let data = {};
  try { data = await res.json(); } catch (e) { /* an empty body */ }
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/login' && state.user) signedOut();
    throw new ApiError(res.status, data.error || `${res.status} ${res.statusText}`);
  }
  return data;
}

// ---------------------------------------------------------------------------------------------
// Geometry: a local flat earth around each point, good to metres over the few km of a camera.

function fromMetres(lat, lon, east, north) {
  return [lat + north / M_PER_DEG, lon + east / (M_PER_DEG * Math.cos(lat * Math.PI / 180))];
}

function toMetres(lat0, lon0, lat, lon) {
  return [(lon - lon0) * M_PER_DEG * Math.cos(lat0 * Math.PI / 180), (lat - lat0) * M_PER_DEG];
}

/** The field of view: the camera, then the arc heading ± fov/2 at range_m, every 5° or less. */
function wedge(lat, lon, heading, fov, range) {
  const pts = [[lat, lon]];
  const n = Math.max(4, Math.ceil(fov / 5));
  for (let i = 0; i <= n; i++) {
    const a = (heading - fov / 2 + (fov * i) / n) * Math.PI / 180;
    pts.push(fromMetres(lat, lon, range * Math.sin(a), range * Math.cos(a)));
  }
  return pts;
}

/** The line [[lat, lon]...] moved d metres to its right (negative: left), mitred at vertices. */
function offsetLine(line, d) {
  const dirs = [];
  for (let i = 0; i + 1 < line.length; i++) {
    const [x, y] = toMetres(line[i][0], line[i][1], line[i + 1][0], line[i + 1][1]);
    const len = Math.hypot(x, y) || 1;
    dirs.push([y / len, -x / len]); // right-hand normal
  }
  return line.map(([lat, lon], i) => {
    const a = dirs[Math.max(0, i - 1)], b = dirs[Math.min(dirs.length - 1, i)];
    let nx = a[0] + b[0], ny = a[1] + b[1];
    const len = Math.hypot(nx, ny) || 1;
    nx /= len; ny /= len;
    const k = 1 / Math.max(0.5, nx * a[0] + ny * a[1]);
    return fromMetres(lat, lon, nx * d * k, ny * d * k);
  });
}

/** The band of a LineString zone: band_m either side, or on the side its `side` names. */
function band(line, p) {
  const b = p.band_m;
  if (p.side === p.right) return line.concat(offsetLine(line, b).reverse());
  if (p.side === p.left) return offsetLine(line, -b).concat(line.slice().reverse());
  return offsetLine(line, b).concat(offsetLine(line, -b).reverse());
}

/** The part of the border between the points nearest to a and b (for a coverage gap). */
function borderBetween(a, b) {
  if (!border) return [a, b];
  const nearest = (p) => {
    let best = { d: Infinity };
    for (let i = 0; i + 1 < border.length; i++) {
      const [ax, ay] = toMetres(p[0], p[1], border[i][0], border[i][1]);
      const [bx, by] = toMetres(p[0], p[1], border[i + 1][0], border[i + 1][1]);
      const dx = bx - ax, dy = by - ay;
      const t = Math.max(0, Math.min(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy || 1)));
      const d = Math.hypot(ax + t * dx, ay + t * dy);
      if (d < best.d) best = { d, i, t };
    }
    return best;
  };
  let na = nearest(a), nb = nearest(b);
  if (na.i > nb.i || (na.i === nb.i && na.t > nb.t)) [na, nb] = [nb, na];
  const at = (n) => [border[n.i][0] + n.t * (border[n.i + 1][0] - border[n.i][0]),
    border[n.i][1] + n.t * (border[n.i + 1][1] - border[n.i][1])];
  return [at(na), ...border.slice(na.i + 1, nb.i + 1), at(nb)];
}

// ---------------------------------------------------------------------------------------------
// The map

const map = L.map('map', { minZoom: 5, maxZoom: 17, zoomSnap: 0.25, attributionControl: false })
  .setView([35.2, 40.6], 7);
L.control.scale({ imperial: false, position: 'bottomleft' }).addTo(map);
L.control.attribution({ prefix: 'Leaflet' })
  .addAttribution('Border: DCW-GMT (LGPL-3.0-or-later) · Places: GeoNames (CC BY 4.0)').addTo(map);
for (const [name, z] of [['zones', 380], ['border', 410], ['fov', 415], ['gaps', 420], ['tracks', 430], ['incidents', 440], ['labels', 450]]) {
  map.createPane(name).style.zIndex = z;
}
map.getPane('labels').style.pointerEvents = 'none';

const legend = L.control({ position: 'bottomleft' });
legend.onAdd = () => {
  const div = L.DomUtil.create('div', 'legend');
  const items = [['border', 'Border'], ['strip', 'Border strip'], ['buffer', 'Buffer'], ['restricted', 'Restricted'],
    ['town', 'Town'], ['mask', 'Masked heat source'], ['fov', 'Camera view'], ['fov-off', 'Camera offline'],
    ['gap', 'Coverage gap'], ['sev sev-critical', 'Critical'], ['sev sev-high', 'High'], ['sev sev-medium', 'Medium'], ['sev sev-low', 'Low']];
  div.innerHTML = `<h3>Map key</h3><ul>${items.map(([c, t]) => `<li><i class="key ${c}"></i>${t}</li>`).join('')}</ul>`;
  return div;
};
legend.addTo(map);

const label = (latlng, cls, html, pane = 'labels') =>
  L.marker(latlng, { icon: L.divIcon({ className: cls, html, iconSize: [0, 0] }), interactive: false, keyboard: false, pane });

function drawSite(site) {
  const ll = (c) => [c[1], c[0]];
  const features = (fc) => ((fc && fc.features) || []).filter((f) => f.geometry && f.properties);
  const zones = features(site.zones);
  for (const f of zones) {
    const p = f.properties, g = f.geometry;
    state.zoneNames[p.id] = p.name || p.id;
    const tip = `${esc(p.name || p.id)} <span class="muted">(${esc(p.kind)})</span>`;
    const opts = { pane: 'zones', className: `vigil-zone kind-${p.kind}`, weight: 1 };
    let layer;
    if (p.kind === 'border') {
      border = g.coordinates.map(ll);
      L.polyline(border, { pane: 'border', className: 'vigil-border-casing', weight: 8, interactive: false }).addTo(map);
      layer = L.polyline(border, { pane: 'border', className: 'vigil-border', weight: 3 });
      $('site-name').textContent = p.name || '';
    } else if (g.type === 'LineString') {
      const line = g.coordinates.map(ll);
      layer = p.band_m >= 150 ? L.polygon(band(line, p), opts) : L.polyline(line, { ...opts, className: `${opts.className} road` });
    } else if (g.type === 'Polygon') {
      layer = L.polygon(g.coordinates.map((r) => r.map(ll)), opts);
    } else if (g.type === 'MultiPolygon') {
      layer = L.polygon(g.coordinates.map((poly) => poly.map((r) => r.map(ll))), opts);
    } else if (g.type === 'Point') {
      layer = L.circle(ll(g.coordinates), { ...opts, radius: p.radius_m || 50 });
    }
    if (layer) layer.bindTooltip(tip, { sticky: true }).addTo(map);
  }
  if (border) {
    const bp = zones.find((f) => f.properties.kind === 'border').properties;
    const mid = Math.floor(border.length / 2);
    const seg = [border[mid], border[mid + 1] || border[mid]];
    for (const [side, d] of [[bp.left, -45000], [bp.right, 45000]]) {
      if (!side) continue;
      const [pt] = offsetLine(seg, d);
      label(pt, 'vigil-country', `<span>${esc(COUNTRY[side] || side)}</span>`).addTo(map);
    }
    map.fitBounds(L.latLngBounds(border), { paddingTopLeft: [24, 72], paddingBottomRight: [24, 24] });
  }
  const leftSide = zones.find((f) => f.properties.kind === 'border')?.properties.left;
  for (const f of features(site.places)) {
    // A place on the left of the line (walking it from its start) is labelled on its left.
    const side = String(f.properties.country || '').toUpperCase() === leftSide ? ' west' : '';
    label(ll(f.geometry.coordinates), `vigil-place${side}`, `<span>${esc(f.properties.name)}</span>`).addTo(map);
  }
  const ids = [];
  for (const f of features(site.cameras)) {
    const p = f.properties, at = ll(f.geometry.coordinates);
    if (![p.heading_deg, p.fov_deg, p.range_m].every(Number.isFinite)) continue;
    const tip = `<strong>${esc(p.id)}</strong><br>sector ${esc(p.sector)} · km ${esc(p.km)}<br>heading ${esc(p.heading_deg)}° · ${esc(p.fov_deg)}° · ${esc(p.range_m)} m`;
    const w = L.polygon(wedge(at[0], at[1], p.heading_deg, p.fov_deg, p.range_m), { pane: 'fov', className: 'vigil-fov', weight: 1 })
      .bindTooltip(tip, { sticky: true }).addTo(map);
    const dot = L.circleMarker(at, { pane: 'fov', className: 'vigil-camera', radius: 3, weight: 1 })
      .bindTooltip(tip).addTo(map);
    w.getElement().dataset.camera = p.id;
    dot.getElement().dataset.camera = p.id;
    cameras.set(p.id, { wedge: w, dot, latlng: at });
    ids.push(p.id);
  }
  $('camera-ids').replaceChildren(...ids.sort().map((id) => new Option(id)));
  $('h-kind').append(...KNOWN_KINDS.map((k) => new Option(kindName(k), k)));
  $('h-zone').append(...zones.map((f) => new Option(f.properties.name || f.properties.id, f.properties.id)));
  $('site-exercise').hidden = !site.exercise;
}

function popupHtml(inc) {
  const rowsHtml = [
    ['What', whatText(inc)], ['Direction', dirText(inc.direction)], ['Zone', zoneName(inc.zone)],
    ['Cameras', (inc.cameras || []).join(', ')], ['First', utc(inc.first_ts)], ['Last', utc(inc.last_ts)],
  ].filter(([, v]) => v).map(([k, v]) => `<tr><th>${k}</th><td>${esc(v)}</td></tr>`).join('');
  return `<div class="pop"><div class="pop-title"><span class="badge sev-${esc(inc.severity)}">${esc(inc.severity).toUpperCase()}</span> ${esc(kindName(inc.kind))}`
    + `${inc.exercise ? ' <span class="exercise">EXERCISE</span>' : ''}</div><table>${rowsHtml}`
    + `<tr><th>Age</th><td data-age-from="${inc.first_ts}">${age(Date.now() - inc.first_ts)}</td></tr>`
    + `<tr><th>Review</th><td>${esc(reviewState(inc.review)[1])}</td></tr></table></div>`;
}

function setClasses(layer, classes) {
  const el = layer.getElement && layer.getElement();
  if (el) el.setAttribute('class', `${classes} leaflet-interactive`);
}

function drawIncident(inc) {
  let l = layers.get(inc.id);
  if (!l) layers.set(inc.id, (l = {}));
  const sev = `sev-${inc.severity}`;
  const alarm = isAlarm(inc) ? ' is-alarm' : '';
  if (inc.kind === 'coverage_gap') {
    if (!inc.stretch) return;
    const pts = borderBetween(inc.stretch.from, inc.stretch.to);
    const text = `Coverage gap · km ${inc.stretch.from_km}–${inc.stretch.to_km} (${inc.stretch.km} km)`;
    if (!l.gap) {
      l.casing = L.polyline(pts, { pane: 'gaps', className: 'vigil-gap-casing', weight: 13, interactive: false }).addTo(map);
      l.gap = L.polyline(pts, { pane: 'gaps', className: 'vigil-gap', weight: 9 }).addTo(map).on('click', () => select(inc.id, false));
      l.gap.getElement().dataset.incident = inc.id;
      l.label = label(pts[Math.floor(pts.length / 2)], 'vigil-gap-label', '').addTo(map);
    }
    l.casing.setLatLngs(pts);
    l.gap.setLatLngs(pts).bindTooltip(esc(text), { sticky: true });
    l.label.setLatLng(pts[Math.floor(pts.length / 2)]);
    l.label.setIcon(L.divIcon({ className: 'vigil-gap-label', html: `<span>GAP km ${esc(inc.stretch.from_km)}–${esc(inc.stretch.to_km)}</span>`, iconSize: [0, 0] }));
    return;
  }
  if (inc.kind === 'camera_offline') return;
  const pts = (inc.track || []).map((t) => [t[0], t[1]]);
  if (!l.marker) {
    l.track = L.polyline(pts, { pane: 'tracks', weight: 3, interactive: false }).addTo(map);
    l.marker = L.circleMarker([inc.lat, inc.lon], { pane: 'incidents', radius: 10, weight: 2, fillOpacity: 1 })
      .bindPopup('', { maxWidth: 360, autoPanPaddingTopLeft: L.point(40, 120) }).on('click', () => select(inc.id, false)).addTo(map);
    l.marker.getElement().dataset.incident = inc.id;
  }
  l.track.setLatLngs(pts);
  l.marker.setLatLng([inc.lat, inc.lon]).setPopupContent(popupHtml(inc));
  setClasses(l.track, `vigil-track ${sev}`);
  setClasses(l.marker, `vigil-incident ${sev}${alarm}${inc.exercise ? ' exercise' : ''}`);
}

function eraseIncident(id) {
  const l = layers.get(id);
  if (!l) return;
  for (const layer of Object.values(l)) layer.remove();
  layers.delete(id);
}

function drawCameraHealth() {
  const offline = new Set();
  for (const inc of Object.values(vc.incidents)) {
    if (inc.kind === 'camera_offline') for (const c of inc.cameras || []) offline.add(c);
  }
  for (const [id, c] of cameras) {
    const off = offline.has(id);
    for (const layer of [c.wedge, c.dot]) {
      const el = layer.getElement();
      if (el.classList.contains('offline') === off) continue;
      el.classList.toggle('offline', off);
      if (off) layer.bringToFront();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The list of open incidents and the selected one

const bySeverityThenAge = (a, b) =>
  (SEV_RANK[a.severity] ?? 9) - (SEV_RANK[b.severity] ?? 9) || a.first_ts - b.first_ts;

function rowHtml(inc) {
  const [rs, rtext] = reviewState(inc.review);
  return `<span class="badge sev-${esc(inc.severity)}">${esc(inc.severity).toUpperCase()}</span>`
    + `<span class="kind">${esc(kindName(inc.kind))}${inc.direction ? ` <span class="dir">${esc(dirText(inc.direction))}</span>` : ''}</span>`
    + `<span class="age" data-age-from="${inc.first_ts}" title="Age since first seen">${age(Date.now() - inc.first_ts)}</span>`
    + `<span class="what">${inc.exercise ? '<span class="exercise">EXERCISE</span> ' : ''}${esc(whatText(inc))} · ${esc(zoneName(inc.zone))}</span>`
    + `<span class="review ${rs}">${esc(rtext)}</span>`;
}

function drawList() {
  const list = $('incidents');
  const open = Object.values(vc.incidents).sort(bySeverityThenAge);
  for (const [id, li] of rows) if (!vc.incidents[id]) { li.remove(); rows.delete(id); }
  for (const inc of open) {
    let li = rows.get(inc.id);
    if (!li) {
      li = document.createElement('li');
      li.dataset.incident = inc.id;
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'row';
      b.addEventListener('click', () => select(inc.id, true));
      li.append(b);
      rows.set(inc.id, li);
      list.append(li);
      vc.shown[inc.id] = { at: Date.now(), emitted_ts: inc.emitted_ts };
    }
    li.className = `sev-${inc.severity} review-${reviewState(inc.review)[0]}${isAlarm(inc) ? ' is-alarm' : ''}${state.selected === inc.id ? ' selected' : ''}`;
    li.firstChild.innerHTML = rowHtml(inc);
    li.firstChild.setAttribute('aria-pressed', String(state.selected === inc.id));
  }
  if ([...list.children].some((li, i) => li.dataset.incident !== open[i]?.id)) {
    for (const inc of open) list.append(rows.get(inc.id));
  }
  $('live-count').textContent = open.length ? `(${open.length})` : '';
  $('quiet').hidden = open.length > 0;
  $('quiet').textContent = vc.connected ? 'No open incidents. The border is quiet.' : 'Waiting for vigild…';
}

function select(id, pan) {
  state.selected = id;
  state.selectedGone = false;
  $('act-error').textContent = '';
  drawList();
  drawDetail();
  $('detail').hidden = false;
  const inc = vc.incidents[id], l = layers.get(id);
  if (!inc || !pan) return;
  if (inc.kind === 'camera_offline') {
    const pts = (inc.cameras || []).map((c) => cameras.get(c)?.latlng).filter(Boolean);
    if (pts.length) map.flyToBounds(L.latLngBounds(pts).pad(1.5), { maxZoom: 12, duration: 0.6 });
  } else if (l && l.gap) {
    const bounds = l.gap.getBounds();
    for (const c of inc.cameras || []) if (cameras.has(c)) bounds.extend(cameras.get(c).latlng);
    map.flyToBounds(bounds.pad(0.3), { maxZoom: 13, duration: 0.6 });
  } else if (l && l.marker) {
    map.once('moveend', () => l.marker.openPopup()); // after the flight, so the popup pans clear of the banner
    map.flyTo([inc.lat, inc.lon], Math.max(map.getZoom(), 12), { duration: 0.6 });
  }
}

function drawDetail() {
  const inc = vc.incidents[state.selected];
  if (!state.selected) { $('detail').hidden = true; return; }
  if (!inc) {
    state.selectedGone = true;
    $('detail-title').textContent = 'Resolved';
    $('detail-facts').innerHTML = `<dt>Incident</dt><dd>${esc(state.selected)} has been resolved by vigild.</dd>`;
    $('detail-notes').replaceChildren();
    for (const f of $('detail').querySelectorAll('form')) f.hidden = true;
    return;
  }
  const r = inc.review;
  $('detail-title').innerHTML = `<span class="badge sev-${esc(inc.severity)}">${esc(inc.severity).toUpperCase()}</span> ${esc(kindName(inc.kind))}`
    + `${inc.exercise ? ' <span class="exercise">EXERCISE</span>' : ''}`;
  const facts = [
    ['What', whatText(inc)], ['Direction', dirText(inc.direction)], ['Zone', zoneName(inc.zone)],
    ['Sector', inc.sector], ['Cameras', (inc.cameras || []).join(', ')],
    ['First seen', utc(inc.first_ts)], ['Last seen', utc(inc.last_ts)],
    ['Acknowledged', r.acknowledged_by ? `${r.acknowledged_by}, ${utc(r.acknowledged_ts)}` : 'no'],
    ['Assigned to', r.assigned_to], ['Review closed by', r.closed_by], ['Incident', `${inc.id} · seq ${inc.seq}`],
  ].filter(([, v]) => v);
  $('detail-facts').innerHTML = facts.map(([k, v]) => `<dt>${k}</dt><dd>${esc(v)}</dd>`).join('')
    + `<dt>Age</dt><dd data-age-from="${inc.first_ts}">${age(Date.now() - inc.first_ts)}</dd>`;
  $('detail-notes').replaceChildren(...(r.notes || []).map((n) => {
    const li = document.createElement('li');
    li.innerHTML = `<span class="muted">${esc(utc(n.ts))} · ${esc(n.by)}</span> ${esc(n.text)}`;
    return li;
  }));
  $('act-ack').hidden = !!(r.acknowledged_by || r.closed_by);
  $('act-assign').hidden = $('act-note').hidden = false;
  $('act-close').hidden = !!r.closed_by;
}

async function act(form, action, body) {
  const id = state.selected;
  const button = form.querySelector('button');
  $('act-error').textContent = '';
  button.disabled = true;
  try {
    await api('POST', `/api/incidents/${encodeURIComponent(id)}/${action}`, body);
    form.reset();
  } catch (e) {
    $('act-error').textContent = `${button.textContent} failed: ${e.message}`;
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------------------------------------
// Incoming messages

const emptyReview = () => ({ acknowledged_by: null, acknowledged_ts: null, assigned_to: null, closed_by: null, notes: [] });
const isAlarm = (inc) => inc.severity === 'critical' && !inc.review.acknowledged_by && !inc.review.closed_by;

function handle(msg) {
  if (msg.type === 'alert' && msg.alert) handleAlert(msg.alert);
  // A review comes flat ({"type":"review","id",...}) or wrapped ({"type":"review","review":{...}}).
  else if (msg.type === 'review') handleReview(msg.review && typeof msg.review === 'object' ? msg.review : msg);
}

function handleAlert(a) {
  if (typeof a.seq === 'number') {
    if (a.seq <= state.lastSeq) return;
    if (state.lastSeq && a.seq > state.lastSeq + 1) scheduleResync();
    state.lastSeq = a.seq;
  }
  const old = vc.incidents[a.id];
  if (a.state === 'resolved') {
    delete vc.incidents[a.id];
    eraseIncident(a.id);
  } else {
    const track = old ? old.track.slice() : [];
    const last = track[track.length - 1];
    if (!last || last[0] !== a.lat || last[1] !== a.lon) track.push([a.lat, a.lon, a.last_ts]);
    const inc = { ...a, track, review: old ? old.review : emptyReview() };
    vc.incidents[a.id] = inc;
    if (isAlarm(inc) && !(old && isAlarm(old))) notify(inc);
    drawIncident(inc);
  }
  changed(a.id, HEALTH_KINDS.has(a.kind) || (old && HEALTH_KINDS.has(old.kind)));
  // When this console first showed the incident as critical, and the message that made it so.
  if (a.severity === 'critical' && a.state !== 'resolved' && !vc.criticalShown[a.id]) {
    vc.criticalShown[a.id] = { at: Date.now(), emitted_ts: a.emitted_ts };
  }
}

function addNote(r, note) {
  if (!note.text) return;
  if (!r.notes.some((n) => n.by === note.by && n.ts === note.ts && n.text === note.text)) r.notes.push(note);
}

function handleReview(ev) {
  const inc = vc.incidents[ev.id];
  if (!inc) return;
  const r = inc.review;
  if (ev.action === 'acknowledge') {
    r.acknowledged_by = ev.by; r.acknowledged_ts = ev.ts;
    addNote(r, { by: ev.by, ts: ev.ts, text: ev.comment });
  } else if (ev.action === 'assign') {
    r.assigned_to = ev.to;
  } else if (ev.action === 'note') {
    addNote(r, { by: ev.by, ts: ev.ts, text: ev.text });
  } else if (ev.action === 'close') {
    r.closed_by = ev.by;
    addNote(r, { by: ev.by, ts: ev.ts, text: ev.comment });
  }
  vc.reviewedAt[ev.id] = Date.now();
  drawIncident(inc);
  changed(ev.id, false);
}

function changed(id, health) {
  if (health) drawCameraHealth();
  drawList();
  updateAlarm();
  if (state.selected === id) drawDetail();
}

async function resync() {
  state.syncing = true;
  try {
    const snap = await api('GET', '/api/incidents');
    const before = vc.incidents;
    const now = {};
    for (const inc of snap.incidents || []) {
      inc.review = { ...emptyReview(), ...(inc.review || {}) };
      inc.review.notes = inc.review.notes || [];
      inc.track = inc.track && inc.track.length ? inc.track : [[inc.lat, inc.lon, inc.last_ts]];
      now[inc.id] = inc;
      // A critical incident raised while this console was away is announced, except at the very
      // first load: the operator is looking at the page then.
      if (state.synced && isAlarm(inc) && !(before[inc.id] && isAlarm(before[inc.id]))) notify(inc);
    }
    vc.incidents = now;
    state.lastSeq = snap.latest_seq || 0;
    state.synced = true;
    for (const id of [...layers.keys()]) if (!now[id]) eraseIncident(id);
    for (const inc of Object.values(now)) drawIncident(inc);
  } finally {
    state.syncing = false;
    const queued = state.queue;
    state.queue = [];
    queued.forEach(handle);
    drawCameraHealth();
    changed(state.selected, false);
  }
}

function scheduleResync() {
  if (state.resync) return;
  state.resync = setTimeout(() => {
    state.resync = null;
    state.syncing = true;
    resync().catch(() => state.ws && state.ws.close());
  }, 300);
}

// ---------------------------------------------------------------------------------------------
// The live socket

function setConn(s, text) {
  vc.connected = s === 'live';
  $('conn').dataset.state = s;
  $('conn').textContent = text || { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…' }[s];
  $('quiet').textContent = vc.connected ? 'No open incidents. The border is quiet.' : 'Waiting for vigild…';
}

function connect() {
  if (state.ws || !state.user) return;
  clearTimeout(state.retryTimer);
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/live`);
  state.ws = ws;
  state.syncing = true;
  state.queue = [];
  setConn(state.retry ? 'reconnecting' : 'connecting');
  ws.onopen = () => {
    resync().then(() => { state.retry = 0; if (state.ws === ws) setConn('live'); })
      .catch(() => ws.close());
  };
  ws.onmessage = (ev) => {
    let msg;
    try { msg = JSON.parse(ev.data); } catch (e) { return; }
    if (state.syncing) state.queue.push(msg); else handle(msg);
  };
  ws.onclose = () => {
    if (state.ws !== ws) return;
    state.ws = null;
    if (!state.user) return;
    const delay = Math.min(15000, 1000 * 2 ** state.retry) * (0.8 + Math.random() * 0.4);
    state.retry += 1;
    setConn('reconnecting', `Reconnecting in ${Math.round(delay / 1000)} s…`);
    state.retryTimer = setTimeout(async () => {
      try { await api('GET', '/api/me'); } catch (e) { if (e.status === 401) return; }
      connect();
    }, delay);
  };
}

// ---------------------------------------------------------------------------------------------
// The alarm: sound and notification for unacknowledged critical incidents

function audio() {
  if (!state.audio) {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    state.audio = new Ctx();
  }
  return state.audio;
}

function playBeeps(ctx) {
  const t = ctx.currentTime + 0.02;
  for (const [start, freq] of [[0, 988], [0.22, 784], [0.44, 988]]) {
    const osc = ctx.createOscillator(), gain = ctx.createGain();
    osc.type = 'square';
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, t + start);
    gain.gain.exponentialRampToValueAtTime(0.15, t + start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + start + 0.18);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t + start);
    osc.stop(t + start + 0.2);
  }
  vc.soundsPlayed += 1;
}

function beep() {
  const ctx = audio();
  if (!ctx) return;
  if (ctx.state === 'running') { $('alarm-unlock').hidden = true; playBeeps(ctx); return; }
  ctx.resume().then(() => {
    $('alarm-unlock').hidden = ctx.state === 'running';
    if (ctx.state === 'running' && state.beepTimer) playBeeps(ctx);
  }).catch(() => { $('alarm-unlock').hidden = false; });
  // Browsers keep audio suspended until the page is clicked: say so instead of staying silent.
  setTimeout(() => { if (ctx.state !== 'running' && state.beepTimer) $('alarm-unlock').hidden = false; }, 500);
}

function notify(inc) {
  if (state.notified.has(inc.id)) return;
  state.notified.add(inc.id);
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  const title = `${inc.exercise ? 'EXERCISE: ' : ''}CRITICAL: ${kindName(inc.kind)}${inc.direction ? ` ${dirText(inc.direction)}` : ''}`;
  const body = `${whatText(inc)} · ${zoneName(inc.zone)} · ${(inc.cameras || []).join(', ')}\n${utc(inc.first_ts)}`;
  try {
    const n = new Notification(title, { body, tag: inc.id, requireInteraction: true });
    n.onclick = () => { window.focus(); select(inc.id, true); n.close(); };
    state.notes.set(inc.id, n);
    vc.notificationsShown += 1;
  } catch (e) {
    console.warn('notification refused', e);
  }
}

function updateAlarm() {
  const alarms = Object.values(vc.incidents).filter(isAlarm).sort(bySeverityThenAge);
  vc.alarmIds = alarms.map((i) => i.id);
  for (const [id, n] of state.notes) {
    if (!vc.alarmIds.includes(id)) { n.close(); state.notes.delete(id); }
  }
  const n = alarms.length;
  $('alarm').hidden = n === 0;
  $('alarm-text').textContent = `${n} unacknowledged critical`;
  const want = n > 0 && !state.muted;
  if (want && !state.beepTimer) { state.beepTimer = setInterval(beep, BEEP_EVERY_MS); beep(); }
  if (!want && state.beepTimer) { clearInterval(state.beepTimer); state.beepTimer = null; }
  if (!want) $('alarm-unlock').hidden = true;
  vc.sounding = want;
  document.title = n ? `(${n}) Vigil` : 'Vigil';
}

// ---------------------------------------------------------------------------------------------
// History and replay

function parseUtc(text) {
  const m = /^\s*(\d{4})-(\d\d)-(\d\d)(?:[ T](\d\d):(\d\d)(?::(\d\d))?)?\s*Z?\s*$/i.exec(text);
  if (!m) return null;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0), +(m[6] || 0));
}

function showHistory(on) {
  $('history-toggle').setAttribute('aria-pressed', String(on));
  $('history').hidden = !on;
  $('live').hidden = on;
  $('detail').hidden = on || !state.selected;
  if (on && !$('h-from').value) {
    const now = Date.now();
    $('h-from').value = utc(now - 24 * 3600e3).slice(0, 16);
    $('h-to').value = utc(now + 60e3).slice(0, 16);
  }
  if (on) $('h-from').focus();
}

async function searchHistory() {
  const from = parseUtc($('h-from').value), to = parseUtc($('h-to').value);
  $('history-error').textContent = '';
  if (from == null || to == null) {
    $('history-error').textContent = 'Write times as YYYY-MM-DD HH:MM, in UTC.';
    return;
  }
  const q = new URLSearchParams({ from, to, kind: $('h-kind').value, zone: $('h-zone').value, camera: $('h-camera').value.trim() });
  const list = $('history-results');
  try {
    const { incidents = [] } = await api('GET', `/api/history?${q}`);
    list.replaceChildren(...incidents.map((h) => {
      const li = document.createElement('li');
      li.className = `sev-${h.severity}`;
      li.dataset.incident = h.id;
      const span = (h.last_ts ?? h.first_ts) - h.first_ts;
      const last = (h.messages || [])[h.messages.length - 1] || h;
      li.innerHTML = `<div class="row"><span class="badge sev-${esc(h.severity)}">${esc(h.severity).toUpperCase()}</span>`
        + `<span class="kind">${esc(kindName(h.kind))}${last.direction ? ` <span class="dir">${esc(dirText(last.direction))}</span>` : ''}</span>`
        + `<span class="age">${esc(h.state)}</span>`
        + `<span class="what">${esc(utc(h.first_ts))} · ${age(span)} · ${esc(zoneName(h.zone))}</span>`
        + `<span class="review">${(h.messages || []).length} message${(h.messages || []).length === 1 ? '' : 's'} · ${esc((h.cameras || []).join(', '))}</span></div>`;
      const play = document.createElement('button');
      play.type = 'button';
      play.className = 'play';
      play.textContent = 'Play';
      play.setAttribute('aria-label', `Play ${kindName(h.kind)} of ${utc(h.first_ts)} on the map`);
      play.addEventListener('click', () => replay(h));
      li.append(play);
      return li;
    }));
    if (!incidents.length) $('history-error').textContent = 'Nothing matches.';
  } catch (e) {
    $('history-error').textContent = `History failed: ${e.message}`;
  }
}

function replay(h) {
  stopReplay(false);
  map.closePopup();
  const msgs = (h.messages || []).filter((m) => m.lat != null).sort((a, b) => a.seq - b.seq);
  if (!msgs.length) return;
  const group = L.layerGroup().addTo(map);
  const line = L.polyline([], { pane: 'tracks', className: 'vigil-replay-track', weight: 3, interactive: false }).addTo(group);
  const marker = L.circleMarker([msgs[0].lat, msgs[0].lon], { pane: 'incidents', radius: 11, weight: 3, fillOpacity: 1, interactive: false }).addTo(group);
  state.replay = { group, timer: null, view: [map.getCenter(), map.getZoom()] };
  vc.replaying = true;
  map.flyToBounds(L.latLngBounds(msgs.map((m) => [m.lat, m.lon])).pad(0.8), { maxZoom: 13, duration: 0.6 });
  $('replay').hidden = false;
  const spanMs = msgs[msgs.length - 1].last_ts - msgs[0].last_ts;
  const speed = Math.max(1, spanMs / 8000);
  let i = 0;
  const step = () => {
    const m = msgs[i];
    marker.setLatLng([m.lat, m.lon]);
    line.addLatLng([m.lat, m.lon]);
    setClasses(marker, `vigil-incident vigil-replay sev-${m.severity}`);
    $('replay-text').textContent = `Replay: ${kindName(m.kind)} ${dirText(m.direction)} · ${utc(m.last_ts)} · ${m.state} (${i + 1}/${msgs.length})`;
    i += 1;
    state.replay.timer = i < msgs.length
      ? setTimeout(step, Math.min(2500, Math.max(350, (msgs[i].last_ts - m.last_ts) / speed)))
      : setTimeout(() => stopReplay(true), 2500);
  };
  step();
}

function stopReplay(backToLive) {
  const r = state.replay;
  if (!r) return;
  clearTimeout(r.timer);
  r.group.remove();
  state.replay = null;
  vc.replaying = false;
  $('replay').hidden = true;
  if (backToLive) {
    map.flyTo(r.view[0], r.view[1], { duration: 0.6 });
    showHistory(false);
  }
}

// ---------------------------------------------------------------------------------------------
// Signing in and out

function showSignIn(message) {
  $('signin').hidden = false;
  $('signin-error').textContent = message || '';
  $('signin-user').focus();
}

function signedOut() {
  state.user = null;
  if (state.ws) { const ws = state.ws; state.ws = null; ws.close(); }
  setConn('reconnecting', 'Signed out');
  showSignIn('Your session has ended. Sign in again.');
}

async function start(user) {
  state.user = user;
  $('who').textContent = user;
  $('sign-out').hidden = false;
  $('signin').hidden = true;
  if (!state.site) {
    state.site = await api('GET', '/api/site');
    drawSite(state.site);
  }
  if ('Notification' in window && Notification.permission === 'default') {
    Notification.requestPermission().catch(() => {});
  }
  connect();
}

$('signin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('signin-error').textContent = '';
  audio()?.resume().catch(() => {}); // a click: the moment a browser lets a page make sound
  const user = $('signin-user').value.trim(), password = $('signin-password').value;
  try {
    const r = await api('POST', '/api/login', { user, password });
    $('signin-password').value = '';
    await start(r.user || user);
  } catch (err) {
    $('signin-error').textContent = err.status >= 400 && err.status < 500 ? (err.message || 'Wrong user name or password.') : `Cannot sign in: ${err.message}`;
    $('signin-password').select();
  }
});

$('sign-out').addEventListener('click', async () => {
  try { await api('POST', '/api/logout'); } catch (e) { /* signed out either way */ }
  location.reload();
});

// ---------------------------------------------------------------------------------------------
// Controls

$('history-toggle').addEventListener('click', () => showHistory($('history').hidden));
$('history-form').addEventListener('submit', (e) => { e.preventDefault(); searchHistory(); });
$('replay-stop').addEventListener('click', () => stopReplay(true));
$('detail-close').addEventListener('click', () => {
  const id = state.selected;
  state.selected = null;
  drawDetail();
  drawList();
  rows.get(id)?.firstChild.focus();
});
$('alarm-mute').addEventListener('click', () => {
  state.muted = !state.muted;
  $('alarm-mute').setAttribute('aria-pressed', String(state.muted));
  $('alarm-mute').textContent = state.muted ? 'Muted: unmute' : 'Mute this console';
  updateAlarm();
});
$('alarm-show').addEventListener('click', () => { showHistory(false); if (vc.alarmIds[0]) select(vc.alarmIds[0], true); });
$('alarm-unlock').addEventListener('click', () => audio()?.resume().then(beep));
$('act-ack').addEventListener('submit', (e) => { e.preventDefault(); act(e.target, 'acknowledge', { comment: $('ack-comment').value.trim() }); });
$('act-assign').addEventListener('submit', (e) => { e.preventDefault(); act(e.target, 'assign', { to: $('assign-to').value.trim() }); });
$('act-note').addEventListener('submit', (e) => { e.preventDefault(); act(e.target, 'note', { text: $('note-text').value.trim() }); });
$('act-close').addEventListener('submit', (e) => { e.preventDefault(); act(e.target, 'close', { comment: $('close-comment').value.trim() }); });
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && !$('detail').hidden) $('detail-close').click();
});

setInterval(() => {
  const now = Date.now();
  $('clock').textContent = utc(now);
  for (const el of document.querySelectorAll('[data-age-from]')) el.textContent = age(now - Number(el.dataset.ageFrom));
}, 1000);
$('clock').textContent = utc(Date.now());

api('GET', '/api/me').then((me) => start(me.user)).catch((e) => {
  showSignIn(e.status === 401 ? '' : `Cannot reach vigild: ${e.message}`);
});
