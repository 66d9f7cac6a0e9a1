/* Daily Papers search: the header box (results as you type) and the search page (filters, sort,
 * state in the URL). The index is built by generator/search.py; the query rules here must match
 * its parse_query/expand/score exactly (tests/test_search_site.py compares the two).
 * Everything is fetched on first use: a page view that does not search costs nothing more. */
(() => {
  "use strict";
  const form = document.querySelector("form[data-papers-search]");
  if (!form) return;
  const base = new URL(form.dataset.base, location.href);
  const indexUrl = new URL("search-index/", base);
  const HEADER_RESULTS = 8;
  const PAGE_RESULTS = 20;

  // --- fetching, each file once -------------------------------------------------------------
  const files = new Map();
  let version = null; // meta.json's: the other files are asked for as ?v=<version>
  function get(path) {
    if (!files.has(path)) {
      const url = new URL(path, indexUrl);
      if (path !== "meta.json") url.searchParams.set("v", version);
      const options = path === "meta.json" ? { cache: "no-cache" } : {};
      const request = fetch(url, options).then((response) => {
        if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
        return response.json();
      });
      request.catch(() => files.delete(path)); // a failed fetch is retried next time
      files.set(path, request);
    }
    return files.get(path);
  }
  let lunrReady = null;
  function loadLunr() {
    // lunr.js for its Porter stemmer only: the index itself is ours (see generator/search.py).
    lunrReady ??= new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL("assets/javascripts/vendor/lunr-2.3.9.min.js", base).href;
      script.onload = resolve;
      script.onerror = () => { lunrReady = null; reject(new Error("lunr.js did not load")); };
      document.head.append(script);
    });
    return lunrReady;
  }
  let metaReady = null;
  function ready() {
    if (!metaReady) {
      metaReady = Promise.all([get("meta.json"), loadLunr()]).then(([meta]) => {
        version = meta.version;
        meta.stop = new Set(meta.stopWords);
        return meta;
      });
      metaReady.catch(() => { metaReady = null; }); // offline for a moment: try again next time
    }
    return metaReady;
  }

  // --- the analyzer: generator/search.py words() and stem() ----------------------------------
  const SPLIT = /[\s-]+/u;
  const TRIM = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;
  const stems = new Map();
  function stem(word) {
    if (!stems.has(word)) stems.set(word, window.lunr.stemmer(new window.lunr.Token(word)).toString());
    return stems.get(word);
  }
  function words(text) {
    return text.normalize("NFKC").toLowerCase().split(SPLIT).map((t) => t.replace(TRIM, "")).filter(Boolean);
  }
  function parseQuery(text, meta) {
    const typed = words(text);
    const typing = text.length > 0 && !/\s$/u.test(text);
    const clauses = [];
    typed.forEach((word, i) => {
      const last = typing && i === typed.length - 1;
      const isStop = meta.stop.has(word);
      if (isStop && !last) return;
      clauses.push({ word, stem: isStop ? "" : stem(word), prefix: last && [...word].length >= meta.prefixMin });
    });
    if (clauses.length > 1 && !clauses[clauses.length - 1].stem) clauses.pop();
    return clauses;
  }
  function shardKey(term) {
    const head = [...term].slice(0, 2).join("");
    return [...new TextEncoder().encode(head)].map((b) => b.toString(16).padStart(2, "0")).join("");
  }
  async function shard(term) {
    return term ? get(`d/${shardKey(term)}.json`) : {};
  }
  function oneEdit(a, b) {
    a = [...a]; b = [...b];
    if (a.join("") === b.join("") || Math.abs(a.length - b.length) > 1) return false;
    let i = 0;
    while (i < Math.min(a.length, b.length) && a[i] === b[i]) i++;
    const rest = (x, n) => x.slice(n).join("");
    if (a.length === b.length) {
      const swapped = i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i];
      return rest(a, i + 1) === rest(b, i + 1) || (swapped && rest(a, i + 2) === rest(b, i + 2));
    }
    return a.length > b.length ? rest(a, i + 1) === rest(b, i) : rest(a, i) === rest(b, i + 1);
  }
  const byCodePoint = (x, y) => (x < y ? -1 : x > y ? 1 : 0);
  async function expand(clause, meta) {
    const terms = new Map(); // term -> [boost, block]
    const own = await shard(clause.stem);
    if (clause.stem && own[clause.stem]) terms.set(clause.stem, [meta.boost.exact, own[clause.stem][1]]);
    if (clause.prefix) {
      const dict = await shard(clause.word);
      const starting = Object.keys(dict).filter((t) => t.startsWith(clause.word));
      starting.sort((x, y) => dict[y][0] - dict[x][0] || byCodePoint(x, y));
      for (const term of starting.slice(0, meta.prefixLimit)) {
        if (!terms.has(term)) terms.set(term, [meta.boost.prefix, dict[term][1]]);
      }
    }
    if (terms.size === 0 && [...clause.stem].length >= meta.fuzzyMin) {
      for (const [term, [, block]] of Object.entries(own)) {
        if (oneEdit(clause.stem, term)) terms.set(term, [meta.boost.fuzzy, block]);
      }
    }
    return terms;
  }
  async function postings(term, block) {
    // Stored per field as [field, doc gaps..., weights...]; returned as [doc, weight * 8 + field, ...]
    // like generator/search.py's Index.postings.
    const out = [];
    for (const list of (await get(`p/${block}.json`))[term] || []) {
      const field = list[0];
      const n = (list.length - 1) / 2;
      for (let i = 1, doc = 0; i <= n; i++) {
        doc += list[i];
        out.push(doc, list[i + n] * 8 + field);
      }
    }
    return out;
  }
  async function score(expanded) {
    let total = null;
    for (const terms of expanded) {
      const scores = new Map();
      const lists = await Promise.all([...terms].map(async ([term, [boost, block]]) => [boost, await postings(term, block)]));
      for (const [boost, list] of lists) {
        for (let i = 0; i < list.length; i += 2) {
          scores.set(list[i], (scores.get(list[i]) || 0) + boost * (list[i + 1] >> 3));
        }
      }
      if (total === null) total = scores;
      else {
        for (const [doc, s] of total) {
          if (scores.has(doc)) total.set(doc, s + scores.get(doc));
          else total.delete(doc);
        }
      }
    }
    return total || new Map();
  }

  // --- facets: dates, upvotes, code, organisations, categories of every paper ------------------
  let facetsReady = null;
  function facets() {
    if (!facetsReady) {
      facetsReady = ready().then(() => get("facets.json")).then((f) => {
        let day = 0;
        f.day = f.day.map((d) => (day += d));
        return f;
      });
      facetsReady.catch(() => { facetsReady = null; });
    }
    return facetsReady;
  }
  const DAY = 86400000;
  const dayNumber = (iso) => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY);
  function accepts(f, filters) {
    const from = filters.from ? dayNumber(filters.from) : null;
    const to = filters.to ? dayNumber(filters.to) : null;
    let org = filters.org ? f.orgs.findIndex(([name]) => name === filters.org) : null;
    if (org === -1) org = -2; // unknown (a stale shared link): matches nothing, not "no organisation"
    const cat = filters.cat ? f.categories.indexOf(filters.cat) : null;
    return (doc) =>
      (from === null || f.day[doc] >= from) && (to === null || f.day[doc] <= to) &&
      (org === null || f.org[doc] === org) && (cat === null || f.cat[doc].includes(cat)) &&
      (!filters.code || f.code[doc] === 1);
  }
  const isFiltered = (filters) => Boolean(filters.from || filters.to || filters.org || filters.cat || filters.code);

  /** Run a query: {docs (sorted doc numbers), matched (terms), scores}. */
  async function run(text, filters = {}, sort = "relevance") {
    const meta = await ready();
    const clauses = parseQuery(text, meta);
    const needFacets = isFiltered(filters) || sort === "upvotes";
    const f = needFacets ? await facets() : null;
    let scores;
    const matched = new Set();
    if (clauses.length === 0) {
      if (!isFiltered(filters)) return { docs: [], matched, scores: new Map(), clauses };
      scores = new Map(Array.from({ length: meta.papers }, (_, doc) => [doc, 0])); // browse
    } else {
      const expanded = await Promise.all(clauses.map((c) => expand(c, meta)));
      expanded.forEach((terms) => terms.forEach((_, term) => matched.add(term)));
      scores = await score(expanded);
    }
    let docs = [...scores.keys()];
    if (isFiltered(filters)) docs = docs.filter(accepts(f, filters));
    if (sort === "upvotes") docs.sort((a, b) => f.up[b] - f.up[a] || scores.get(b) - scores.get(a) || a - b);
    else if (sort === "newest") docs.sort((a, b) => a - b);
    else docs.sort((a, b) => scores.get(b) - scores.get(a) || a - b);
    return { docs, matched, scores, clauses };
  }
  async function display(docs, meta) {
    const chunks = await Promise.all([...new Set(docs.map((d) => Math.floor(d / meta.chunk)))].map(async (n) => [n, await get(`docs/${n}.json`)]));
    const byChunk = new Map(chunks);
    return docs.map((d) => {
      const [id, title, authors, day, upvotes] = byChunk.get(Math.floor(d / meta.chunk))[d % meta.chunk];
      return { id, title, authors, day, upvotes };
    });
  }

  // --- rendering: text only through textContent, never innerHTML -----------------------------
  function highlight(text, result, meta) {
    const fragment = document.createDocumentFragment();
    const prefixes = result.clauses.filter((c) => c.prefix).map((c) => c.word);
    for (const part of text.split(/([\s-]+)/u)) {
      const word = part.normalize("NFKC").toLowerCase().replace(TRIM, "");
      const hit = word && ((!meta.stop.has(word) && result.matched.has(stem(word))) || prefixes.some((p) => word.startsWith(p)));
      if (hit) {
        const mark = document.createElement("mark");
        mark.textContent = part;
        fragment.append(mark);
      } else fragment.append(part);
    }
    return fragment;
  }
  function item(paper, result, meta) {
    const li = document.createElement("li");
    li.className = "papers-result";
    const link = document.createElement("a");
    link.href = new URL(`papers/${paper.id}/`, base).href;
    link.className = "papers-result__title";
    link.append(highlight(paper.title, result, meta));
    const info = document.createElement("span");
    info.className = "papers-result__meta";
    info.append(highlight(paper.authors, result, meta), ` · ${paper.day} · ▲ ${paper.upvotes}`);
    li.append(link, info);
    return li;
  }
  const plural = (n, one, many) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

  // --- the header box --------------------------------------------------------------------------
  const input = form.querySelector("input[name=q]");
  const panel = form.querySelector(".papers-search__panel");
  const status = panel.querySelector("[role=status]");
  const list = panel.querySelector("ol");
  const ids = async (docs) => (await display(docs, await ready())).map((p) => p.id);
  window.papersSearch = { run, ids, timings: [] }; // for tests and benchmarks
  let latest = 0;
  async function onHeaderInput(event) {
    const started = event ? event.timeStamp : performance.now();
    const text = input.value;
    const ticket = ++latest;
    if (!text.trim()) { panel.hidden = true; return; }
    try {
      const meta = await ready();
      const result = await run(text);
      if (ticket !== latest) return; // typed on: skip fetching what would not be shown
      const papers = await display(result.docs.slice(0, HEADER_RESULTS), meta);
      if (ticket !== latest) return; // a newer keystroke won
      list.replaceChildren(...papers.map((p) => item(p, result, meta)));
      status.textContent = result.docs.length ? `${plural(result.docs.length, "paper", "papers")}` : "No papers match.";
      if (result.docs.length > HEADER_RESULTS) {
        const more = document.createElement("li");
        const link = document.createElement("a");
        link.href = searchPageUrl({ q: text });
        link.textContent = `All ${result.docs.length.toLocaleString("en")} results, with filters →`;
        more.className = "papers-result papers-result--more";
        more.append(link);
        list.append(more);
      }
      panel.hidden = false;
      window.papersSearch.timings.push({ query: text, ms: performance.now() - started });
      form.dispatchEvent(new CustomEvent("papers:results", { detail: text }));
    } catch (error) {
      if (ticket !== latest) return;
      status.textContent = `Search is unavailable: ${error.message}`;
      panel.hidden = false;
    }
  }
  function searchPageUrl(state) {
    const url = new URL("search/", base);
    for (const [key, value] of Object.entries(state)) if (value) url.searchParams.set(key, value);
    return url.href;
  }
  input.addEventListener("input", onHeaderInput);
  input.addEventListener("focus", () => { ready().catch(() => {}); if (input.value.trim() && list.children.length) panel.hidden = false; });
  form.addEventListener("keydown", (event) => {
    const links = [...list.querySelectorAll("a")];
    const at = links.indexOf(document.activeElement);
    if (event.key === "Escape") { panel.hidden = true; input.focus(); }
    else if (event.key === "ArrowDown" && links.length) { event.preventDefault(); links[Math.min(at + 1, links.length - 1)].focus(); }
    else if (event.key === "ArrowUp" && at >= 0) { event.preventDefault(); (at === 0 ? input : links[at - 1]).focus(); }
  });
  document.addEventListener("click", (event) => { if (!form.contains(event.target)) panel.hidden = true; });
  document.addEventListener("keydown", (event) => {
    // "/" focuses search, as on GitHub and Hugging Face
    if (event.key === "/" && !/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName)) { event.preventDefault(); input.focus(); }
  });

  // --- the search page ---------------------------------------------------------------------------
  const page = document.getElementById("papers-search-page");
  if (!page) return;
  const out = document.getElementById("papers-search-results");
  const pageStatus = document.getElementById("papers-search-status");
  const moreButton = document.getElementById("papers-search-more");
  const FIELDS = ["q", "from", "to", "cat", "org", "code", "sort"];
  let shown = 0;
  let current = null;
  function readForm() {
    const data = new FormData(page);
    return Object.fromEntries(FIELDS.map((k) => [k, (data.get(k) || "").toString()]));
  }
  function writeForm(state) {
    for (const key of FIELDS) {
      const field = page.elements[key];
      if (field.type === "checkbox") field.checked = state[key] === "1";
      else field.value = state[key] || (key === "sort" ? "relevance" : "");
    }
  }
  function stateFromUrl() {
    const params = new URLSearchParams(location.search);
    return Object.fromEntries(FIELDS.map((k) => [k, params.get(k) || ""]));
  }
  async function fillFacets() {
    const f = await facets();
    const fill = (select, options) => select.append(...options.map(([value, label]) => new Option(label, value)));
    fill(page.elements.cat, f.categories.map((c) => [c, c]));
    fill(page.elements.org, f.orgs.map(([name, full]) => [name, full === name ? name : `${full} (${name})`]));
  }
  async function showPage(ticket) {
    out.setAttribute("aria-busy", "true");
    const meta = await ready();
    const slice = current.docs.slice(shown, shown + PAGE_RESULTS);
    const papers = await display(slice, meta);
    if (ticket !== pageTicket) return; // a newer search owns the list now
    out.append(...papers.map((p) => item(p, current, meta)));
    shown += slice.length;
    moreButton.hidden = shown >= current.docs.length;
    out.setAttribute("aria-busy", "false");
  }
  let pageTicket = 0;
  async function search(state, push) {
    const ticket = ++pageTicket;
    if (push) {
      const url = new URL(location.href);
      url.search = "";
      for (const key of FIELDS) if (state[key] && !(key === "sort" && state[key] === "relevance")) url.searchParams.set(key, state[key]);
      if (url.href !== location.href) history.pushState(null, "", url);
    }
    const filters = { from: state.from, to: state.to, cat: state.cat, org: state.org, code: state.code === "1" };
    pageStatus.textContent = "Searching…";
    out.setAttribute("aria-busy", "true"); // until this search's results are drawn
    try {
      const result = await run(state.q, filters, state.sort || "relevance");
      if (ticket !== pageTicket) return;
      current = result;
      shown = 0;
      out.replaceChildren();
      const nothing = !state.q.trim() && !isFiltered(filters);
      pageStatus.textContent = nothing ? "Type words, or pick a filter." : result.docs.length ? plural(result.docs.length, "paper", "papers") : "No papers match.";
      await showPage(ticket);
      page.dispatchEvent(new CustomEvent("papers:results"));
    } catch (error) {
      pageStatus.textContent = `Search is unavailable: ${error.message}`;
    }
  }
  page.addEventListener("submit", (event) => { event.preventDefault(); search(readForm(), true); });
  page.addEventListener("change", () => search(readForm(), true));
  page.elements.q.addEventListener("input", () => search(readForm(), false));
  moreButton.addEventListener("click", async () => {
    moreButton.disabled = true; // one page at a time
    try { await showPage(pageTicket); } finally { moreButton.disabled = false; }
  });
  window.addEventListener("popstate", () => { const state = stateFromUrl(); writeForm(state); search(state, false); });
  // The form shows the URL's state at once (the organisation and category lists arrive with
  // the facets, and take the URL's choice then): a visitor may act before they arrive.
  const initial = stateFromUrl();
  writeForm(initial);
  input.value = initial.q;
  search(initial, false);
  fillFacets().then(() => {
    const state = stateFromUrl();
    page.elements.cat.value = state.cat;
    page.elements.org.value = state.org;
  }).catch((error) => { pageStatus.textContent = `Search is unavailable: ${error.message}`; });
})();
