/* Daily Papers search, the page side: the header box (results as you type) and the search page
 * (filters, sort, more results, state in the URL). The query rules are search-core.js's and
 * search-text.js's (window.PapersSearchCore, loaded on first use), the twins of
 * generator/search/; this file only fetches the index files, draws results and highlights the
 * words that matched. Everything is fetched on first use: a page view that does not search
 * costs nothing more. It also loads authors.js, on pages that show authors' names. */
(() => {
  "use strict";
  const form = document.querySelector("form[data-papers-search]");
  if (!form) return;
  let Core = null; // search-core.js, once loaded (loadCore)
  const base = new URL(form.dataset.base, location.href);
  const indexUrl = new URL("search-index/", base);
  const HEADER_RESULTS = 8;
  const PAGE_RESULTS = 20;
  const NOTHING_TYPED = "Type a word, a name or an arXiv id.";
  const ONLY_COMMON = "Too common to search for: type a word, a name or an arXiv id.";

  // --- fetching, each file once -------------------------------------------------------------
  const files = new Map();
  let version = null; // meta.json's: the other files are asked for as ?v=<version>
  function get(path) {
    if (!files.has(path)) {
      const url = new URL(path, indexUrl);
      if (path !== "meta.json") url.searchParams.set("v", version);
      const options = path === "meta.json" ? { cache: "no-cache" } : {};
      const request = fetch(url, options).then((response) => {
        // A shard no term falls in is not written: it reads as empty (Index.from_files too).
        if (response.status === 404 && path !== "meta.json") return {};
        if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
        return response.json();
      });
      request.catch(() => files.delete(path)); // a failed fetch is retried next time
      files.set(path, request);
    }
    return files.get(path);
  }
  // The reading list (saved.js: Save toggles, the Saved page) is loaded from here, on every
  // page, and not by a <script> tag: a tag in each of 50k pages is 3.4 MB of a site at GitHub
  // Pages' 1 GB. Results wait for it, to draw their toggles; without it they draw none.
  /** A script of the theme's, added to the page; rejects when it does not load. */
  function loadScript(name, label = name) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL(`assets/javascripts/${name}`, base).href;
      script.onload = resolve;
      script.onerror = () => reject(new Error(`${label} did not load`));
      document.head.append(script);
    });
  }
  const savedReady = loadScript("saved.js").catch(() => {});
  // authors.js: names as links to their papers (no bytes in pages), and the results' links.
  const NAMES = ".paper-authors, .paper-card__authors, .paper-row__meta, #papers-search-page";
  const authorsReady = document.querySelector(NAMES) ? loadScript("authors.js").catch(() => {}) : null;
  let coreReady = null;
  const loadCore = () => (coreReady ??= loadScript("search-text.js").then(() => loadScript("search-core.js"))
    .then(() => { Core = window.PapersSearchCore; }).catch((error) => { coreReady = null; throw error; }));
  let lunrReady = null;
  function loadLunr() {
    // lunr.js for its Porter stemmer only: the index itself is ours (see generator/search/).
    lunrReady ??= loadScript("vendor/lunr-2.3.9.min.js", "lunr.js").catch((error) => {
      lunrReady = null;
      throw error;
    });
    return lunrReady;
  }
  let indexReady = null;
  let indexMeta = null;
  /** The index (search-core.js Index), once meta.json and lunr.js are here. */
  function ready() {
    if (!indexReady) {
      indexReady = Promise.all([get("meta.json"), loadLunr(), loadCore()]).then(([meta]) => {
        version = meta.version;
        indexMeta = meta;
        return new Core.Index(get, meta);
      });
      indexReady.catch(() => { indexReady = null; }); // offline for a moment: try again next time
    }
    return indexReady;
  }

  // --- search by meaning (semantic.js): fetched on the first search, once ----------------------
  // A Web Worker running semantic.js downloads the query model and the papers' vectors, then
  // encodes and ranks each query: a query's encoding takes a few hundred milliseconds, which
  // must not hold up typing or the lexical results. The files are named by their bytes'
  // digest and asked for without ?v=, so the browser's cache keeps them from build to build.
  let semantic = null; // {ready: Promise, bytes, loaded, done, failed, worker}
  /** Start the one-time download, unless the visitor asked to save data (then a button asks). */
  function startSemantic(meta, asked = false) {
    if (semantic || !meta?.semantic) return;
    if (!asked && navigator.connection?.saveData) { semanticNote(meta); return; }
    const m = meta.semantic;
    const url = (name) => new URL(name, indexUrl).href;
    const worker = new Worker(new URL("assets/javascripts/semantic.js", base));
    semantic = { bytes: m.bytes, loaded: 0, failed: null, done: false, worker, asked: new Map(), next: 0, busy: false, waiting: null };
    semantic.ready = new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => {
        if (data.type === "progress") { semantic.loaded = data.loaded; semanticNote(); }
        else if (data.type === "ready") { semantic.done = true; semanticNote(); resolve(); }
        else if (data.type === "error") reject(new Error(data.message));
        else if (data.type === "ranked") { semantic.asked.get(data.id)?.(data.nearest); semantic.asked.delete(data.id); }
      };
      worker.onerror = (event) => { event.preventDefault(); reject(new Error("semantic.js did not load")); };
    });
    semantic.ready.catch((error) => { semantic.failed = error; semanticNote(); });
    worker.postMessage({ type: "load", model: url(m.model), chunks: m.chunks.map(([name]) => url(name)), rows: url(m.rows), meta: m });
    semantic.fuse = loadScript("semantic.js").then(() => window.PapersSemantic.fuse);
    semanticNote();
  }
  /** The worker's ranking of a query: the nearest document numbers (accepts: a Uint8Array),
   * or null when a newer query took its turn. One query is with the worker at a time and one
   * waits, the newest: a fast typist's keystrokes do not queue up behind each other. */
  function nearestOf(text, accepts) {
    return new Promise((resolve) => {
      semantic.waiting?.resolve(null);
      semantic.waiting = { text, accepts, resolve };
      if (!semantic.busy) askNext();
    });
  }
  function askNext() {
    const job = semantic.waiting;
    semantic.waiting = null;
    semantic.busy = Boolean(job);
    if (!job) return;
    const id = ++semantic.next;
    semantic.asked.set(id, (nearest) => { job.resolve(nearest); askNext(); });
    semantic.worker.postMessage({ type: "rank", id, text: job.text, accepts: job.accepts });
  }
  const megabytes = (n) => `${(n / 1e6).toFixed(1)} MB`;
  /** The lines under the results that say what the meaning search is doing. */
  function semanticNote(meta = null) {
    const text = !semantic
      ? `Search by meaning needs a one-time download of ${megabytes(meta.semantic.bytes)}.`
      : semantic.failed ? `Search by meaning is unavailable: ${semantic.failed.message}`
      : semantic.done ? ""
      : `Also searching by meaning: a one-time download, ${megabytes(semantic.loaded)} of ${megabytes(semantic.bytes)}…`;
    for (const note of document.querySelectorAll("[data-papers-semantic]")) {
      note.textContent = text;
      note.hidden = !text;
      if (!semantic && meta) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "md-button papers-semantic__start";
        button.textContent = "Download and search by meaning";
        button.addEventListener("click", () => { startSemantic(meta, true); refresh(); });
        note.append(" ", button);
      }
    }
  }
  let refresh = () => {}; // runs the current search again (the header's, or the page's)

  // --- queries ----------------------------------------------------------------------------------
  const filtersOf = (state) => new Core.Filters({
    since: state.from || null, until: state.to || null, category: state.cat || null,
    org: state.org || null, hasCode: state.code === "1",
  });
  const asFilters = (filters) => (filters instanceof Core.Filters ? filters : new Core.Filters(filters));
  /** A query by its words (search-core.js run): {docs (sorted doc numbers), scores, matched,
   * clauses}, at once; the first one starts the meaning search's download. */
  async function lexical(text, filters = {}, sort = "relevance") {
    const result = await Core.run(await ready(), text, asFilters(filters), sort);
    if (result.clauses.length) startSemantic(indexMeta);
    return result;
  }
  /** The result merged with the ranking by meaning (semantic.js fuse), once the download is
   * done; null when there is none to merge (no download, another sort, no words, or no paper
   * with a word of the query: its meaning would be a guess). */
  async function merge(result, text, filters = {}, sort = "relevance") {
    if (!semantic || sort !== "relevance" || !result.clauses.length || !result.docs.length) return null;
    try { await semantic.ready; } catch { return null; }
    filters = asFilters(filters);
    let accepts = null;
    if (filters.active || result.only) {
      const index = await ready();
      const test = filters.active ? filters.accepts(await index.facets()) : () => true;
      const only = result.only && new Set(result.only); // an author: query's papers
      accepts = Uint8Array.from({ length: index.papers }, (_, d) => (test(d) && (!only || only.has(d)) ? 1 : 0));
    }
    const words = (await ready()).analysis.splitAuthors(text)[1]; // the meaning of the words, not of a name
    const [nearest, fuse] = await Promise.all([nearestOf(words, accepts), semantic.fuse]);
    if (nearest === null) return null; // overtaken by a newer query
    const clauses = result.clauses.length;
    const every = result.docs.filter((d) => result.scores.get(d).matched === clauses).length;
    return { ...result, docs: fuse(result.docs, every, nearest, indexMeta.semantic.fusion), semantic: true };
  }
  /** Both: what `papers search` ranks (for tests and benchmarks: it waits for the download). */
  async function run(text, filters = {}, sort = "relevance") {
    const result = await lexical(text, filters, sort);
    return (await merge(result, text, filters, sort)) || result;
  }
  /** No words to search for, but filters: every paper they let through (newest first, or by
   * upvotes). Not a query: search-core.js and `papers search` need a word. */
  async function browse(filters, sort) {
    const index = await ready();
    const facets = await index.facets();
    const docs = Array.from({ length: index.papers }, (_, doc) => doc).filter(filters.accepts(facets));
    if (sort === "upvotes") docs.sort((a, b) => facets.up[b] - facets.up[a] || a - b);
    return { docs, scores: new Map(), matched: new Set(), clauses: [] };
  }
  /** Whether a result answers a query: words to search for, or an author. */
  const asked = (result) => Boolean(result.clauses.length || result.authors?.length);
  /** Why a query has no clauses: nothing searchable typed, or only stop words. */
  function emptyMessage(index, text) {
    const a = index.analysis;
    return a.chunks(a.cleanQuery(text)).length ? ONLY_COMMON : NOTHING_TYPED;
  }
  async function display(docs) {
    const [index] = await Promise.all([ready(), savedReady, authorsReady]);
    return (await Promise.all(docs.map((d) => index.display(d)))).map(Core.shown);
  }
  /** "N papers", or how many have every word and how many some (or are near in meaning). */
  function summary(result) {
    const n = result.docs.length;
    if (!n) return "No papers match.";
    const clauses = result.clauses.length;
    const by = result.authors?.length ? ` by ${result.authors.join(" and ")}` : "";
    if (by && !clauses) return `${plural(n, "paper", "papers")}${by}.`;
    const every = clauses ? result.docs.filter((d) => result.scores.get(d)?.matched === clauses).length : n;
    if (result.semantic && every < n) {
      const near = `${plural(n - every, "paper", "papers")} near in meaning or with some of the words`;
      return every ? `${plural(every, "paper", "papers")} with every word, ${near}.` : `No paper has every word; ${near}.`;
    }
    if (every === n) return plural(n, "paper", "papers");
    if (every === 0) return `No paper has every word; ${plural(n, "paper has", "papers have")} some.`;
    return `${plural(every, "paper", "papers")} with every word, ${n - every} more with some.`;
  }
  const plural = (n, one, many) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

  // --- rendering: text only through textContent, never innerHTML -----------------------------
  /** The text with the words whose terms the query matched in <mark>: each chunk of the text
   * (the rules' chunk pattern) is analysed as the index analyses it; a chunk whose own term
   * matched is marked whole, else each of its parts whose term matched ("Vision-Language"). */
  function highlight(text, result, index) {
    const fragment = document.createDocumentFragment();
    if (!result.matched.size) {
      fragment.append(text);
      return fragment;
    }
    const a = index.analysis;
    const rules = index.rules;
    const chunk = new RegExp(rules.chunk, "gu");
    const separators = new RegExp(`(${rules.dot}|${rules.hyphen})`, "u"); // kept: a group
    const terms = (written) => a.chunks(written).flatMap(([, c]) => (c.main ? [c.main, ...c.parts] : c.parts));
    const mains = (written) => a.chunks(written).map(([, c]) => c.main).filter(Boolean);
    const hit = (list) => list.some((t) => result.matched.has(t));
    const mark = (written) => {
      const element = document.createElement("mark");
      element.textContent = written;
      return element;
    };
    let at = 0;
    for (const m of text.matchAll(chunk)) {
      fragment.append(text.slice(at, m.index));
      at = m.index + m[0].length;
      const written = m[0];
      if (hit(mains(written))) {
        fragment.append(mark(written));
        continue;
      }
      written.split(separators).forEach((part, n) => {
        const matched = n % 2 === 0 && part && hit(terms(part));
        fragment.append(matched ? mark(part) : part);
      });
    }
    fragment.append(text.slice(at));
    fragment.normalize?.();
    return fragment;
  }
  function item(paper, result, index, linked = false) {
    const li = document.createElement("li");
    li.className = "papers-result";
    const link = document.createElement("a");
    link.href = new URL(form.dataset.paperUrl.replace("{id}", paper.id), base).href; // layout.py
    link.className = "papers-result__title";
    link.append(highlight(paper.title, result, index));
    const info = document.createElement("span");
    info.className = "papers-result__meta";
    // In the header's panel the arrow keys walk the titles: names stay text there.
    const names = linked && window.PapersAuthors?.resultNames(paper, (name) => highlight(name, result, index));
    info.append(names || highlight(paper.authors, result, index),
      ` · ${paper.day} · ▲ ${paper.upvotes}`);
    li.append(link, info);
    const save = window.PapersSaved?.button(paper); // saved.js: the reading list's toggle
    if (save) li.append(save);
    return li;
  }

  // --- the header box --------------------------------------------------------------------------
  const input = form.querySelector("input[name=q]");
  const panel = form.querySelector(".papers-search__panel");
  const status = panel.querySelector("[role=status]");
  const list = panel.querySelector("ol");
  /** A note line for the meaning search, made here (not in every page's HTML). */
  function addNote(after) {
    const note = document.createElement("p");
    note.className = "papers-semantic";
    note.dataset.papersSemantic = "";
    note.hidden = true;
    after.after(note);
  }
  addNote(status);
  const ids = async (docs) => (await display(docs)).map((p) => p.id);
  // For tests and benchmarks: run(text, filters, sort) is search-core.js's run on this index,
  // merged with the meaning ranking once meaning() (the one-time download) has resolved.
  const meaning = () => (semantic ? semantic.ready.then(() => true) : Promise.resolve(false));
  window.papersSearch = { run, ids, ready, meaning, get core() { return Core; }, timings: [] };
  let latest = 0;
  async function onHeaderInput(event) {
    const started = event ? event.timeStamp : performance.now();
    const text = input.value;
    const ticket = ++latest;
    if (!text) { panel.hidden = true; return; }
    try {
      const index = await ready();
      const result = await lexical(text);
      if (ticket !== latest) return; // typed on: skip fetching what would not be shown
      if (!(await drawHeader(result, text, index, ticket))) return;
      window.papersSearch.timings.push({ query: text, ms: performance.now() - started });
      form.dispatchEvent(new CustomEvent("papers:results", { detail: text }));
      // The words' results are drawn; the meaning search's merge follows when it is ready.
      const merged = await merge(result, text);
      if (merged && ticket === latest && (await drawHeader(merged, text, index, ticket))) {
        window.papersSearch.timings.push({ query: text, ms: performance.now() - started, merged: true });
        form.dispatchEvent(new CustomEvent("papers:semantic", { detail: text }));
      }
    } catch (error) {
      if (ticket !== latest) return;
      list.replaceChildren();
      status.textContent = `Search is unavailable: ${error.message}`;
      panel.hidden = false;
    }
  }
  /** Draw a result in the header panel; false when a newer keystroke won meanwhile. */
  async function drawHeader(result, text, index, ticket) {
    const papers = await display(result.docs.slice(0, HEADER_RESULTS));
    if (ticket !== latest) return false;
    keepFocus(list, () => list.replaceChildren(...papers.map((p) => item(p, result, index))));
    status.textContent = asked(result) ? summary(result) : emptyMessage(index, text);
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
    return true;
  }
  /** Redraw a list without losing the visitor's place: the link that had focus (the merge
   * with the meaning ranking redraws results while the arrow keys may be among them) has it
   * again if it is still listed, else `fallback` does. */
  function keepFocus(container, redraw, fallback = input) {
    const focused = container.contains(document.activeElement) ? document.activeElement : null;
    redraw();
    if (!focused) return;
    const again = [...container.querySelectorAll("a")].find((a) => a.href === focused.href);
    (again || fallback).focus();
  }
  function searchPageUrl(state) {
    const url = new URL("search/", base);
    for (const [key, value] of Object.entries(state)) if (value) url.searchParams.set(key, value);
    return url.href;
  }
  input.addEventListener("input", onHeaderInput);
  refresh = () => { if (input.value) onHeaderInput(); };
  input.addEventListener("focus", () => { ready().catch(() => {}); if (input.value && status.textContent) panel.hidden = false; });
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
  addNote(pageStatus);
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
    const f = await (await ready()).facets();
    const fill = (select, options) => select.append(...options.map(([value, label]) => new Option(label, value)));
    fill(page.elements.cat, f.categories.map((c) => [c, c]));
    fill(page.elements.org, f.orgs.map(([name, full]) => [name, full === name ? name : `${full} (${name})`]));
  }
  async function showPage(ticket) {
    out.setAttribute("aria-busy", "true");
    const index = await ready();
    const slice = current.docs.slice(shown, shown + PAGE_RESULTS);
    const papers = await display(slice);
    if (ticket !== pageTicket) return; // a newer search owns the list now
    out.append(...papers.map((p) => item(p, current, index, true)));
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
    pageStatus.textContent = "Searching…";
    out.setAttribute("aria-busy", "true"); // until this search's results are drawn
    try {
      const index = await ready();
      const filters = filtersOf(state);
      const sort = state.sort || "relevance";
      let result = await lexical(state.q, filters, sort);
      let message = summary(result);
      if (!asked(result)) {
        const why = emptyMessage(index, state.q);
        if (filters.active) {
          result = await browse(filters, sort);
          message = `${plural(result.docs.length, "paper", "papers")} in these filters. ${why}`;
        } else message = why;
      }
      if (ticket !== pageTicket) return;
      current = result;
      shown = 0;
      out.replaceChildren();
      pageStatus.textContent = message;
      await showPage(ticket);
      page.dispatchEvent(new CustomEvent("papers:results"));
      if (result.clauses.length) {
        // The meaning search's merge redraws the list when it is ready (unless the visitor
        // searched again, or already asked for more results of this one).
        const merged = await merge(result, state.q, filters, sort);
        if (merged && ticket === pageTicket && shown <= PAGE_RESULTS) {
          const papers = await display(merged.docs.slice(0, PAGE_RESULTS));
          if (ticket !== pageTicket) return;
          current = merged;
          shown = papers.length;
          const draw = () => out.replaceChildren(...papers.map((p) => item(p, merged, index, true)));
          keepFocus(out, draw, page.elements.q);
          moreButton.hidden = shown >= merged.docs.length;
          pageStatus.textContent = summary(merged);
          page.dispatchEvent(new CustomEvent("papers:semantic"));
        }
      }
    } catch (error) {
      if (ticket !== pageTicket) return;
      out.setAttribute("aria-busy", "false");
      pageStatus.textContent = `Search is unavailable: ${error.message}`;
    }
  }
  refresh = () => search(readForm(), false);
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
