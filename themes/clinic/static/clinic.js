/* praxis clinic theme, a few KB of plain JavaScript and no dependencies; the
   site works without it. (1) The search box: searches titles, descriptions,
   tags and excerpts in search-index.json. Without JavaScript a <noscript>
   style hides the box (it is shown from the first paint otherwise, so it does
   not push the page down). (2) Wide tables and code that scroll sideways get
   keyboard focus, so they can be scrolled with the arrow keys. */
(() => {
  for (const el of document.querySelectorAll('.prose table, .prose pre')) {
    if (el.scrollWidth > el.clientWidth && !el.hasAttribute('tabindex')) el.tabIndex = 0;
  }
  const f = document.querySelector('form[data-index]');
  if (!f) return;
  if (!window.fetch) { f.hidden = true; return; }
  const q = f.querySelector('input'), st = f.querySelector('[role=status]'), ul = f.querySelector('ul'), d = f.dataset;
  const norm = s => (s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ß/g, 'ss').toLowerCase();
  let idx, busy, timer;
  const load = () => busy || (busy = fetch(d.index)
    .then(r => { if (!r.ok) throw r; return r.json(); })
    .then(a => { idx = a.map(e => ({ e, t: norm(e.title), h: norm([e.title, e.description, (e.tags || []).join(' '), e.excerpt].join(' ')) })); })
    .catch(() => { busy = null; }));
  const run = () => {
    const w = norm(q.value).split(/\s+/).filter(Boolean);
    ul.textContent = '';
    if (!w.length) { st.textContent = ''; return; }
    if (!idx) { load().then(() => idx && run()); return; }
    const hits = idx
      .filter(x => w.every(v => x.h.includes(v)))
      .map(x => [w.filter(v => x.t.includes(v)).length, x])
      .sort((a, b) => b[0] - a[0]);
    st.textContent = hits.length ? d.results + ' ' + hits.length : d.none;
    for (const [, x] of hits.slice(0, 10)) {
      const li = document.createElement('li'), a = document.createElement('a'), p = document.createElement('p'), e = x.e;
      a.href = e.url;
      a.textContent = e.title;
      if (e.lang && e.lang !== document.documentElement.lang) a.lang = e.lang;
      const s = e.description || e.excerpt || '';
      p.textContent = s.length > 160 ? s.slice(0, 157) + '…' : s;
      li.append(a);
      if (p.textContent) li.append(p);
      ul.append(li);
    }
  };
  q.addEventListener('focus', load, { once: true });
  q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 200); });
  q.addEventListener('keydown', ev => { if (ev.key === 'Escape') { q.value = ''; run(); } });
  f.addEventListener('submit', ev => {
    ev.preventDefault();
    clearTimeout(timer);
    (idx ? Promise.resolve() : load()).then(() => {
      run();
      const a = ul.querySelector('a');
      if (a) a.focus();
    });
  });
})();
