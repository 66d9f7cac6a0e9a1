/* Daily Papers reading list, with no account: a "Save" toggle on every paper card, search result
 * and paper page, kept in this browser (localStorage), and the Saved page (docs/saved.md): the
 * list, remove and clear, export as BibTeX, RIS and CSV, import of an exported file. No request
 * leaves the page: the toggles are drawn here from what the page already shows (no per-card
 * data in the markup: at 50k papers every byte of a card is written ~6 times), and exports are
 * made in the browser. Paper text and imported files are untrusted: text only via textContent,
 * imported records checked one by one. */
(() => {
  "use strict";
  const STORE = "papers-saved";
  const ID = /^(?:\d{4}\.\d{4,5}|title-[0-9a-f]{12})$/; // generator/model.py PAPER_ID_RE
  const DAY = /^\d{4}-\d{2}-\d{2}$/;
  const MAX_PAPERS = 5000; // localStorage holds ~5 MB; a record is ~300 bytes
  const MAX_IMPORT = 4 * 1024 * 1024;
  const MAX_TEXT = 1000;
  const MAX_AUTHORS = 200;
  const form = document.querySelector("form[data-papers-search]");
  const base = new URL(form ? form.dataset.base : "./", location.href);

  // --- the list ---------------------------------------------------------------------------------
  /** The saved papers, newest first; null where this browser keeps nothing (storage blocked). */
  function load() {
    let raw;
    try {
      raw = localStorage.getItem(STORE);
    } catch {
      return null; // storage blocked (a browser setting)
    }
    let list;
    try {
      list = JSON.parse(raw || "[]");
    } catch {
      list = []; // not ours, or damaged: start again
    }
    return Array.isArray(list) ? list.map(clean).filter(Boolean) : [];
  }
  function store(list) {
    try {
      localStorage.setItem(STORE, JSON.stringify(list));
      return true;
    } catch {
      return false; // full or blocked: the caller says so
    }
  }
  /** A record as kept: checked fields only (storage, like an import, may hold anything). */
  function clean(record) {
    if (!record || typeof record !== "object" || !ID.test(String(record.id))) return null;
    const text = (value) => oneLine(String(value ?? "")).slice(0, MAX_TEXT);
    const title = text(record.title);
    if (!title) return null;
    const authors = (Array.isArray(record.authors) ? record.authors : []).map(text).filter(Boolean);
    const more = Number.isInteger(record.more) && record.more >= -1 ? record.more : 0;
    const key = typeof record.key === "string" && /^[\w.:-]{1,120}$/.test(record.key) ? record.key : "";
    const day = DAY.test(record.day) ? record.day : "";
    return { id: String(record.id), title, authors: authors.slice(0, MAX_AUTHORS), more, day, key };
  }
  const oneLine = (text) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ").replace(/\s+/g, " ").trim();
  const available = load() !== null;
  const isSaved = (id) => (load() || []).some((p) => p.id === id);

  // --- announcements: one polite live region ------------------------------------------------------
  let region = null;
  function announce(text) {
    region ??= document.getElementById("papers-saved-status");
    if (!region) {
      region = document.createElement("p");
      region.className = "papers-visually-hidden";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      (document.querySelector("main") || document.body).append(region);
    }
    region.textContent = text;
  }
  const count = (n) => `${n} paper${n === 1 ? "" : "s"}`;

  // --- the toggle ---------------------------------------------------------------------------------
  /** A Save toggle for a paper ({id, title, authors, more, day, key}); null without storage. */
  /** A button that shows `verb` and is named "<verb> <title>" (one of many on a page). */
  function namedButton(verb, title, className) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = className;
    const name = document.createElement("span");
    name.className = "papers-visually-hidden";
    name.textContent = ` ${title}`;
    button.append(verb, name);
    return button;
  }
  function button(paper) {
    const record = clean(paper);
    if (!available || !record) return null;
    const toggle = namedButton("Save", record.title, "papers-save");
    toggle.dataset.paper = record.id;
    toggle.setAttribute("aria-pressed", String(isSaved(record.id)));
    toggle.addEventListener("click", () => flip(record));
    return toggle;
  }
  function flip(record) {
    const list = load() || [];
    const saved = list.some((p) => p.id === record.id);
    const next = saved ? list.filter((p) => p.id !== record.id) : [record, ...list];
    if (next.length > MAX_PAPERS) return announce(`The reading list is full (${MAX_PAPERS} papers).`);
    if (!store(next)) return announce("This browser did not let the site keep the reading list.");
    refresh();
    const what = saved ? "Removed from" : "Saved to";
    announce(`${what} the reading list: ${record.title}. ${count(next.length)} saved.`);
  }
  /** Every toggle on the page shows the stored state (after a change here or in another tab). */
  function refresh() {
    const ids = new Set((load() || []).map((p) => p.id));
    for (const toggle of document.querySelectorAll("button.papers-save")) {
      toggle.setAttribute("aria-pressed", String(ids.has(toggle.dataset.paper)));
    }
    if (page) drawPage();
  }

  // --- where toggles go: cards and the paper page, read from what they show ----------------------
  // generator/layout.py's URL templates for a paper and a day, from the header (data-*-url).
  const urls = { paper: form ? form.dataset.paperUrl : "", day: form ? form.dataset.dayUrl : "" };
  const literal = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = (template, key, part) =>
    new RegExp(template.split(key).map(literal).join(part) + "$");
  const paperPath = pattern("/" + urls.paper, "{id}", "([^/?#]+)");
  const dayPath = pattern("/" + urls.day, "{day}", "(\\d{4}-\\d{2}-\\d{2})");
  const idFromHref = (href) => (paperPath.exec(new URL(href, location.href).pathname) || [])[1];
  /** "A, B and C and 3 more" (the card's authors, _macros.md.j2) as names and a count. */
  function cardAuthors(text) {
    const match = /^(.*?)(?: and (\d+) more)?$/.exec(oneLine(text));
    const names = match[1].split(/, | and /).filter(Boolean);
    return { authors: names, more: match[2] ? Number(match[2]) : 0 };
  }
  function addCardToggles() {
    for (const card of document.querySelectorAll("article.paper-card")) {
      const link = card.querySelector(".paper-card__title a");
      const authors = card.querySelector(".paper-card__authors");
      const day = card.closest("[data-day]");
      const toggle = link && button({
        id: idFromHref(link.href),
        title: link.textContent,
        ...cardAuthors(authors ? authors.textContent : ""),
        day: day ? day.dataset.day : "",
      });
      if (toggle) card.append(toggle);
    }
  }
  /** The paper a paper page (``doc``, at ``href``) shows, as a record to keep; null if none. */
  function recordOf(doc, href) {
    const title = doc.querySelector('meta[name="citation_title"]');
    if (!title) return null;
    const dayLink = [...doc.querySelectorAll(".paper-facts a")].find((a) =>
      dayPath.test(new URL(a.getAttribute("href"), href).pathname),
    );
    const bibtex = doc.querySelector("pre.bibtex code");
    return clean({
      id: idFromHref(href),
      title: title.content,
      authors: [...doc.querySelectorAll('meta[name="citation_author"]')].map((m) => m.content),
      day: dayLink ? dayPath.exec(new URL(dayLink.getAttribute("href"), href).pathname)[1] : "",
      key: bibtex ? (/^@\w+\{([^,\s]+),/.exec(bibtex.textContent) || [])[1] : "", // the site's key
    });
  }
  function addPaperPageToggle() {
    const links = document.querySelector("p.paper-links");
    const record = links && recordOf(document, location.href);
    const toggle = record && button(record);
    if (toggle) links.prepend(toggle, " ");
  }
  /** For search.js: a toggle for a result ({id, title, names: the first authors, more, day}). */
  function resultButton(result) {
    const names = Array.isArray(result.names) ? result.names : [];
    return button({ id: result.id, title: result.title, authors: names, more: Number(result.more) || 0, day: result.day });
  }

  // --- exports ------------------------------------------------------------------------------------
  const paperUrl = (p) => new URL(urls.paper.replace("{id}", p.id), base).href;
  const arxiv = (p) => !p.id.startsWith("title-");
  const year = (p) => (p.day ? p.day.slice(0, 4) : "");
  // As generator/render/citation.py: every LaTeX special and brace is a command in BibTeX text.
  const BIB = { "\\": "\\textbackslash{}", "{": "\\textbraceleft{}", "}": "\\textbraceright{}",
    $: "\\$", "&": "\\&", "%": "\\%", "#": "\\#", _: "\\_", "^": "\\^{}", "~": "\\~{}" };
  const bibText = (text) => oneLine(text).replace(/[\\{}$&%#_^~]/g, (c) => BIB[c]);
  const GROUP = /\b(team|contributors|group|lab|consortium|collaboration)\b/i;
  /** "Last, First", or the name whole in braces where BibTeX would split or misread it. */
  function bibName(text) {
    const name = oneLine(text);
    const parts = name.split(" ");
    if (parts.length < 2 || GROUP.test(name) || !/^\p{L}/u.test(name) || name.includes(",") || /(^|\s)and(\s|$)/i.test(name)) {
      return `{${bibText(name)}}`;
    }
    return bibText(`${parts.at(-1)}, ${parts.slice(0, -1).join(" ")}`);
  }
  const ascii = (text) => text.normalize("NFKD").replace(/[^A-Za-z0-9]/g, "");
  /** The site's key when the paper page showed it, else citation.py's base_key by the same rule. */
  function keyOf(p) {
    if (p.key) return p.key;
    const names = p.authors.length ? oneLine(p.authors[0]).split(" ").filter(Boolean) : [];
    const surname = names.length ? ascii(names.at(-1)) : "anon";
    const word = oneLine(p.title).split(" ").map(ascii).find((w) => w.length > 3) || "paper";
    return `${surname}${year(p)}${word}`.toLowerCase();
  }
  function uniqueKeys(list) {
    const seen = new Set();
    return list.map((p) => {
      let key = keyOf(p);
      if (seen.has(key)) key = `${key}-${p.id}`;
      seen.add(key);
      return key;
    });
  }
  function bibtex(list) {
    const keys = uniqueKeys(list);
    return list.map((p, i) => {
      const authors = p.authors.map(bibName).concat(p.more ? ["others"] : []);
      const fields = [["title", `{${bibText(p.title)}}`], ["author", authors.join(" and ") || "Unknown"]];
      if (year(p)) fields.push(["year", year(p)]);
      if (arxiv(p)) fields.push(["eprint", p.id], ["archivePrefix", "arXiv"], ["url", `https://arxiv.org/abs/${p.id}`]);
      else fields.push(["url", paperUrl(p)]);
      if (p.day) fields.push(["dailypapers", p.day]); // the Daily Papers date, for an import here
      const width = Math.max(...fields.map(([k]) => k.length));
      const body = fields.map(([k, v]) => `  ${k.padEnd(width)} = {${v}}`).join(",\n");
      return `@misc{${keys[i]},\n${body}\n}`;
    }).join("\n\n") + "\n";
  }
  const risName = (text) => {
    const name = oneLine(text);
    const parts = name.split(" ");
    return parts.length < 2 || GROUP.test(name) || name.includes(",") ? name : `${parts.at(-1)}, ${parts.slice(0, -1).join(" ")}`;
  };
  function ris(list) {
    const keys = uniqueKeys(list);
    return list.map((p, i) => {
      const tags = [["TY", "UNPB"], ["ID", keys[i]], ["TI", p.title], ...p.authors.map((a) => ["AU", risName(a)])];
      if (p.day) tags.push(["PY", year(p)], ["DA", p.day.replaceAll("-", "/")]);
      if (arxiv(p)) tags.push(["UR", `https://arxiv.org/abs/${p.id}`], ["AN", `arXiv:${p.id}`], ["DB", "arXiv"]);
      else tags.push(["UR", paperUrl(p)]);
      return [...tags.map(([t, v]) => `${t}  - ${oneLine(v)}`), "ER  - "].join("\r\n");
    }).join("\r\n\r\n") + "\r\n";
  }
  const CSV_HEADER = ["id", "title", "authors", "more_authors", "date", "page", "arxiv"];
  /** RFC 4180; a cell a spreadsheet would run as a formula starts with a quote mark. */
  function csvCell(value) {
    let text = String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  }
  function csv(list) {
    const rows = list.map((p) => [p.id, p.title, p.authors.join("; "), p.more, p.day, paperUrl(p),
      arxiv(p) ? `https://arxiv.org/abs/${p.id}` : ""]);
    return "\ufeff" + [CSV_HEADER, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
  }
  const FORMATS = {
    bib: [bibtex, "application/x-bibtex", "BibTeX"],
    ris: [ris, "application/x-research-info-systems", "RIS"],
    csv: [csv, "text/csv", "CSV"],
  };
  function download(kind) {
    const list = load() || [];
    const [make, type, label] = FORMATS[kind];
    const url = URL.createObjectURL(new Blob([make(list)], { type: `${type};charset=utf-8` }));
    const link = document.createElement("a");
    link.href = url;
    link.download = `reading-list.${kind}`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    announce(`Exported ${count(list.length)} as ${label}.`);
  }

  // --- imports: the three formats above, checked record by record ---------------------------------
  function parseCsv(text) {
    const rows = [[]];
    let cell = "", quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
        else if (c === '"') quoted = false;
        else cell += c;
      } else if (c === '"') quoted = true;
      else if (c === ",") { rows.at(-1).push(cell); cell = ""; }
      else if (c === "\n" || c === "\r") {
        if (c === "\r" && text[i + 1] === "\n") i++;
        rows.at(-1).push(cell); cell = ""; rows.push([]);
      } else cell += c;
    }
    rows.at(-1).push(cell);
    const [header, ...body] = rows.filter((r) => r.some((v) => v !== ""));
    if (!header || !header.includes("id") || !header.includes("title")) throw new Error("a CSV file needs the columns id and title");
    const unformula = (v) => (/^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v);
    return body.map((row) => {
      const get = (name) => unformula(row[header.indexOf(name)] ?? "");
      return { id: get("id"), title: get("title"), authors: get("authors").split("; "),
        more: Number(get("more_authors")) || 0, day: get("date") };
    });
  }
  const UNBIB = Object.fromEntries(Object.entries(BIB).map(([k, v]) => [v, k]));
  const unbib = (text) => text.replace(/\\(?:textbackslash|textbraceleft|textbraceright)\{\}|\\[$&%#_]|\\[\^~]\{\}/g, (m) => UNBIB[m]);
  /** "Last, First" or "{Whole Name}" as "First Last". */
  function nameFromBib(name) {
    if (/^\{.*\}$/.test(name)) return unbib(name.slice(1, -1));
    const [last, first] = unbib(name).split(/,\s*/, 2);
    return first ? `${first} ${last}` : last;
  }
  /** The value of a braced field: up to its closing brace, counting nested ones. */
  function braced(text, start) {
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      if (text[i] === "{") depth++;
      else if (text[i] === "}" && --depth === 0) return [text.slice(start + 1, i), i + 1];
    }
    throw new Error("a BibTeX entry is not closed");
  }
  function parseBib(text) {
    const records = [];
    for (const entry of text.matchAll(/@\w+\s*\{\s*([^,\s]+)\s*,/g)) {
      const fields = {};
      let at = entry.index + entry[0].length;
      for (;;) {
        const field = /^\s*(\w+)\s*=\s*/.exec(text.slice(at, at + 200));
        if (!field) break;
        at += field[0].length;
        let value;
        if (text[at] === "{") [value, at] = braced(text, at);
        else { const plain = /^[^,}\s]*/.exec(text.slice(at))[0]; value = plain; at += plain.length; }
        fields[field[1].toLowerCase()] = value;
        const comma = /^\s*,?/.exec(text.slice(at));
        at += comma[0].length;
      }
      const names = (fields.author || "").split(/\s+and\s+(?![^{]*\})/).filter((n) => n && n !== "Unknown");
      const others = names.at(-1) === "others";
      records.push({
        id: fields.eprint || idFromHref(fields.url || ""),
        title: unbib((fields.title || "").replace(/^\{([^]*)\}$/, "$1")),
        authors: (others ? names.slice(0, -1) : names).map(nameFromBib),
        more: others ? -1 : 0,
        day: fields.dailypapers || "",
        key: entry[1],
      });
    }
    return records;
  }
  function parseRis(text) {
    const records = [];
    let current = null;
    for (const line of text.split(/\r?\n/)) {
      const tag = /^([A-Z][A-Z0-9])  - ?(.*)$/.exec(line);
      if (!tag) continue;
      const [, name, value] = tag;
      if (name === "TY") current = { authors: [], day: "", url: "" };
      else if (!current) continue;
      else if (name === "ER") { records.push(current); current = null; }
      else if (name === "TI") current.title = value;
      else if (name === "ID") current.key = value;
      else if (name === "AU") current.authors.push(/^([^,]+), (.+)$/.test(value) ? value.replace(/^([^,]+), (.+)$/, "$2 $1") : value);
      else if (name === "AN" && value.startsWith("arXiv:")) current.id = value.slice(6);
      else if (name === "UR") current.id ??= idFromHref(value) || (/arxiv\.org\/abs\/(.+)$/.exec(value) || [])[1];
      else if (name === "DA") current.day = value.replaceAll("/", "-");
    }
    return records;
  }
  /** Merge an exported file into the list: new papers go after those saved, none twice. */
  async function importFile(file) {
    if (file.size > MAX_IMPORT) throw new Error(`the file is larger than ${MAX_IMPORT / 1024 / 1024} MB`);
    const text = (await file.text()).replace(/^\ufeff/, "");
    const start = text.trimStart();
    const records = start.startsWith("@") ? parseBib(text) : start.startsWith("TY  -") ? parseRis(text) : parseCsv(text);
    const good = records.map(clean).filter(Boolean);
    const list = load() || [];
    const known = new Set(list.map((p) => p.id));
    const added = good.filter((p) => !known.has(p.id) && known.add(p.id));
    const merged = [...list, ...added];
    if (merged.length > MAX_PAPERS) throw new Error(`the list would pass ${MAX_PAPERS} papers`);
    if (!store(merged)) throw new Error("this browser did not let the site keep the list");
    const skipped = records.length - good.length;
    return `Imported ${count(added.length)} from ${file.name}` +
      (good.length > added.length ? `; ${good.length - added.length} already saved` : "") +
      (skipped ? `; ${skipped} not valid, left out` : "") + `. ${count(merged.length)} saved.`;
  }

  // --- the Saved page -----------------------------------------------------------------------------
  const page = document.getElementById("papers-saved");
  function entry(p) {
    const li = document.createElement("li");
    li.className = "papers-saved__item";
    const title = document.createElement("a");
    title.className = "papers-saved__title";
    title.href = paperUrl(p);
    title.textContent = p.title;
    const meta = document.createElement("span");
    meta.className = "papers-saved__meta";
    const more = p.more > 0 ? ` and ${p.more} more` : p.more < 0 ? " and others" : "";
    if (p.authors.length) meta.append(p.authors.join(", ") + more);
    if (p.day) {
      const day = document.createElement("a");
      day.href = new URL(urls.day.replace("{day}", p.day), base).href;
      day.textContent = p.day;
      meta.append(p.authors.length ? " · " : "", day);
    }
    const links = document.createElement("span");
    links.className = "papers-saved__links";
    if (arxiv(p)) {
      for (const [label, url] of [["arXiv", "abs"], ["PDF", "pdf"], ["Hugging Face", ""]]) {
        const link = document.createElement("a");
        link.href = url ? `https://arxiv.org/${url}/${p.id}` : `https://huggingface.co/papers/${p.id}`;
        link.textContent = label;
        links.append(links.childNodes.length ? " · " : "", link);
      }
    }
    const remove = namedButton("Remove", p.title, "papers-save papers-saved__remove");
    remove.dataset.remove = p.id;
    li.append(title, meta, links, remove);
    return li;
  }
  function drawPage() {
    const list = load() || [];
    const ol = page.querySelector(":scope > ol.papers-saved");
    ol.replaceChildren(...list.map(entry));
    for (const control of page.querySelectorAll("[data-export], #papers-saved-clear, #papers-saved-share")) control.disabled = !list.length;
    return list;
  }
  function removeOne(id, at) {
    const list = (load() || []).filter((p) => p.id !== id);
    const gone = (load() || []).find((p) => p.id === id);
    store(list);
    drawPage();
    // Focus stays in the list: the next paper's Remove, else the one before, else the import.
    const buttons = page.querySelectorAll("[data-remove]");
    (buttons[Math.min(at, buttons.length - 1)] || page.querySelector("#papers-saved-import")).focus();
    announce(`Removed ${gone ? gone.title : "a paper"}. ${count(list.length)} saved.`);
  }
  function setUpPage() {
    if (!available) {
      announce("This browser does not let the site keep data (localStorage), so there is no reading list here.");
      return;
    }
    page.hidden = false;
    const list = drawPage();
    announce(list.length ? `${count(list.length)} saved.` : "No papers saved yet: press Save on a paper to add it here.");
    page.addEventListener("click", (event) => {
      const target = event.target.closest("button");
      if (!target) return;
      if (target.dataset.remove) {
        removeOne(target.dataset.remove, [...page.querySelectorAll("[data-remove]")].indexOf(target));
      } else if (target.dataset.export) download(target.dataset.export);
      else if (target.id === "papers-saved-clear" && confirm("Remove every paper from the reading list?")) {
        store([]);
        drawPage();
        page.querySelector("#papers-saved-import").focus();
        announce("The reading list is empty.");
      }
    });
    const input = page.querySelector("#papers-saved-import");
    input.addEventListener("change", async () => {
      const [file] = input.files;
      if (!file) return;
      try {
        announce(await importFile(file));
      } catch (error) {
        announce(`Nothing imported: ${error.message}.`);
      }
      input.value = "";
      drawPage();
    });
  }

  // --- start --------------------------------------------------------------------------------------
  window.PapersSaved = { button: resultButton, load, store, recordOf, paperUrl, announce, count, MAX_PAPERS,
    redraw: () => page && drawPage() };
  // share.js: the Saved page's "Share" link, and a shared list opened from one.
  if (page && available) document.head.append(Object.assign(document.createElement("script"),
    { src: new URL("assets/javascripts/share.js", base).href }));
  addCardToggles();
  addPaperPageToggle();
  if (page) setUpPage();
  window.addEventListener("storage", (event) => { if (event.key === STORE || event.key === null) refresh(); });
  // tests/saved_cite.js reads the citation formatting here against generator/render/citation.py.
  if (globalThis.papersSavedTest) globalThis.papersSavedTest({ bibName, bibText, risName, keyOf });
})();
