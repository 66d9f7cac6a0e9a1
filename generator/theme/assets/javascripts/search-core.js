/* Daily Papers search, the queries: generator/search/query.py's twin, in JavaScript.
 *
 * generator/search/__init__.py's docstring is the specification. This file and
 * search-text.js (the analysis of text, loaded first) implement it function for function and
 * in the same order of operations, so that both sides rank every query identically
 * (tests/test_search_parity.py runs both on thousands of strings under Node and requires the
 * same analysis and the same top 20). Here: the index (Index, open), its queries (expand,
 * corrections, completions, editDistance, score, run, search, the three sorts), the
 * author: clauses (authorDocs) and Filters.accepts.
 *
 * Every rule that is data (patterns, folds, stop words, boosts, limits) is read from the
 * index's meta.json ("rules", generator/search/analysis.py RULES), never written here. What is
 * written here and in search-text.js is what Python does implicitly:
 *   - strings are sequences of code points: lengths, slices and comparisons walk code points
 *     (byCodePoint, codePoints), never UTF-16 units;
 *   - Python's str.isspace (whether the last character typed is a space), PY_SPACE;
 *   - dicts keep insertion order: Maps here, in the order Python fills its dicts;
 *   - a JSON object is looked up with own(), never obj[key] ("constructor" is a word too).
 *
 * No DOM: a classic <script> (window.PapersSearchCore, after window.PapersSearchText) and a
 * Node module (module.exports). The index is read through get(path), which returns the parsed
 * JSON of an index file (or a promise of it), {} for a file that does not exist. The stemmer
 * is lunr.js's (window.lunr, or vendor/lunr-2.3.9.min.js under Node) unless one is given:
 * open(get, {stem}).
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) {
    module.exports = factory(require("./search-text.js"));
  } else {
    root.PapersSearchCore = factory(root.PapersSearchText);
  }
})(typeof globalThis !== "undefined" ? globalThis : this, (text) => {
  "use strict";
  const { codePoints, length, byCodePoint, isSpace, prefixKey, suffixKey, own, lunrStemmer, defaultStem, analysis, authorShard } = text;

  const FORMAT = 4; // generator/search/disk.py FORMAT: the index layout this file reads
  const SORTS = ["relevance", "upvotes", "newest"];
  const DAY_MS = 86400000;

  // --- the index ------------------------------------------------------------------------------
  class Index {
    /** The index over get(path); `open` reads meta.json first. */
    constructor(get, meta, options = {}) {
      if (meta.format !== FORMAT) {
        throw new Error(`the search index is of format ${meta.format}, this page reads ${FORMAT}: reload`);
      }
      this.get = get;
      this.meta = meta;
      this.papers = meta.papers;
      this.rules = meta.rules;
      this.analysis = options.analysis || analysis(meta.rules, options.stem || defaultStem());
      this.facetsReady = null;
    }
    async shard(kind, word) {
      if (!word) return {};
      return this.get(`${kind}/${kind === "d" ? prefixKey(word, this.rules) : suffixKey(word)}.json`);
    }
    /** [doc, weight * 8 + field, ...] by field, then doc. */
    async postings(t, block) {
      const out = [];
      const unit = this.rules.weightUnit;
      for (const stored of own(await this.get(`p/${block}.json`), t) || []) {
        const f = stored[0];
        const n = (stored.length - 1) / 2;
        let doc = 0;
        for (let i = 1; i <= n; i++) {
          doc += stored[i];
          out.push(doc, stored[i + n] * unit * 8 + f);
        }
      }
      return out;
    }
    /** [id, title, [first authors], how many more, day, upvotes] of a paper. */
    async display(doc) {
      const chunkSize = this.meta.chunk;
      const back = this.meta.papers - 1 - doc; // search/build.py display_file
      return (await this.get(`docs/${Math.floor(back / chunkSize)}.json`))[back % chunkSize];
    }
    /** facets.json, with "days" (running sums of "day"), as search.py _facets_of. */
    facets() {
      if (!this.facetsReady) {
        this.facetsReady = Promise.resolve(this.get("facets.json")).then((facets) => {
          if (!facets.days) {
            let running = 0;
            facets.days = facets.day.map((gap) => (running += gap));
          }
          return facets;
        });
        this.facetsReady.catch(() => { this.facetsReady = null; });
      }
      return this.facetsReady;
    }
  }
  async function open(get, options = {}) {
    return new Index(get, await get("meta.json"), options);
  }

  // --- queries: generator/search.py expand .. run ----------------------------------------------
  /** term -> [boost, postings block, is a typo correction, part (-1: not a part)], in Python's
   * insertion order. */
  async function expand(clause, index) {
    const { rules, analysis: a } = index;
    const boost = rules.boost;
    // Fetch every dictionary shard this clause reads at once, then follow search.py in order.
    await Promise.all([...clause.terms.map(([t]) => index.shard("d", t)), index.shard("d", clause.prefix)]);
    const found = new Map();
    // A word still being typed is completed, not corrected, unless nothing completes it.
    const completed = clause.prefix ? await completions(clause.prefix, index) : [];
    const parts = clause.terms.filter(([, kind]) => kind === "part").map(([t]) => t);
    for (const [t, kind] of clause.terms) {
      const entry = own(await index.shard("d", t), t);
      if (entry && (!found.has(t) || found.get(t)[0] < boost[kind])) {
        found.set(t, [boost[kind], entry[1], false, kind === "part" ? parts.indexOf(t) : -1]);
      }
      if (kind === "exact" && completed.length === 0 && a.wantsTypos(t, entry)) {
        for (const [near, block] of await corrections(t, index)) {
          if (!found.has(near)) found.set(near, [boost.fuzzy, block, true, -1]);
        }
      }
    }
    for (const [word, block] of completed) {
      if (!found.has(word)) found.set(word, [boost.prefix, block, false, -1]);
    }
    return found;
  }

  /** Known terms a typo away from word (not itself): [[term, block]], closest and commonest
   * first. */
  async function corrections(word, index) {
    const rules = index.rules;
    const chars = codePoints(word);
    const limit = chars.length < rules.fuzzyLong ? 1 : 2;
    const shards = await Promise.all([index.shard("d", word), index.shard("s", word)]);
    const seen = new Map();
    for (const shard of shards) {
      for (const other of Object.keys(shard)) {
        if (other === word || seen.has(other)) continue;
        const otherChars = codePoints(other);
        if (Math.abs(otherChars.length - chars.length) > limit) continue;
        const distance = editDistance(chars, otherChars, limit);
        if (distance <= limit) {
          const [df, block] = shard[other];
          seen.set(other, [distance, df, block]);
        }
      }
    }
    // Only the closest: "transfom" is "transform", not also "transfer" two edits away.
    let closest = Infinity;
    for (const [distance] of seen.values()) closest = Math.min(closest, distance);
    const ranked = [...seen].filter(([, [distance]]) => distance === closest);
    ranked.sort(([x, [, nx]], [y, [, ny]]) => ny - nx || byCodePoint(x, y));
    return ranked.slice(0, rules.fuzzyLimit).map(([t, [, , block]]) => [t, block]);
  }

  /** The commonest terms starting with prefix: [[term, block]]. */
  async function completions(prefix, index) {
    const dictionary = await index.shard("d", prefix);
    const starting = Object.keys(dictionary).filter((t) => t.startsWith(prefix));
    starting.sort((x, y) => dictionary[y][0] - dictionary[x][0] || byCodePoint(x, y));
    return starting.slice(0, index.rules.prefixLimit).map((t) => [t, dictionary[t][1]]);
  }

  /** Optimal string alignment distance between two strings (or arrays of code points), or
   * limit + 1 once it is certain to exceed limit. */
  function editDistance(a, b, limit) {
    if (typeof a === "string") a = codePoints(a);
    if (typeof b === "string") b = codePoints(b);
    let prev2 = [];
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = new Array(b.length + 1).fill(0);
      row[0] = i;
      let least = i;
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          row[j] = Math.min(row[j], prev2[j - 2] + 1);
        }
        if (row[j] < least) least = row[j];
      }
      if (least > limit) return limit + 1;
      prev2 = prev;
      prev = row;
    }
    return Math.min(prev[prev.length - 1], limit + 1);
  }

  /** doc -> {score, matched, exact} for every paper matching at least one clause (a Map, in
   * the order Python's dict fills). */
  /** doc -> its score, for every paper that matches at least one term (search.py score): a
   * clause counts as matched by its own term, a correction or a completion, or by all of its
   * parts (the first partsMax of them). */
  async function score(clauses, expanded, index) {
    const rules = index.rules;
    const lists = await Promise.all(expanded.map((terms) =>
      Promise.all([...terms].map(([t, [, block]]) => index.postings(t, block)))));
    const total = new Map();
    expanded.forEach((terms, c) => {
      const partsN = Math.min(clauses[c].terms.filter(([, kind]) => kind === "part").length, rules.partsMax);
      const allParts = 2 ** partsN - 1;
      const best = new Map(); // doc -> [best boost * weight, whole without a typo, whole with one, parts]
      [...terms.values()].forEach(([boost, , typo, part], n) => {
        const plist = lists[c][n];
        const bit = part >= 0 && part < rules.partsMax ? 2 ** part : 0;
        for (let i = 0; i < plist.length; i += 2) {
          const [value, clean, fuzzy, parts] = best.get(plist[i]) || [0, false, false, 0];
          best.set(plist[i], [
            Math.max(value, boost * (plist[i + 1] >> 3)),
            clean || (part < 0 && !typo),
            fuzzy || (part < 0 && typo),
            bit ? parts | bit : parts,
          ]);
        }
      });
      for (const [doc, [value, clean, fuzzy, parts]] of best) {
        let entry = total.get(doc);
        if (!entry) total.set(doc, (entry = { score: 0, matched: 0, exact: 0 }));
        const whole = clean || (allParts > 0 && parts === allParts);
        entry.score += value;
        entry.matched += whole || fuzzy ? 1 : 0;
        entry.exact += whole ? 1 : 0;
      }
    });
    return total;
  }

  /** Days since 1970-01-01 of "YYYY-MM-DD". */
  function dayNumber(iso) {
    const [y, m, d] = iso.split("-").map(Number);
    return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
  }

  /** search.py Filters: since and until as "YYYY-MM-DD", category, org (a handle), hasCode. */
  class Filters {
    constructor({ since = null, until = null, category = null, org = null, hasCode = false } = {}) {
      Object.assign(this, { since, until, category, org, hasCode });
    }
    get active() {
      return Boolean(this.since || this.until || this.category || this.org || this.hasCode);
    }
    /** A test of document numbers against the facets (with "days": Index.facets()). */
    accepts(facets) {
      const since = this.since ? dayNumber(this.since) : null;
      const until = this.until ? dayNumber(this.until) : null;
      const orgs = facets.orgs.map(([name]) => name);
      const org = this.org ? (orgs.includes(this.org) ? orgs.indexOf(this.org) : -2) : null;
      const cats = facets.categories;
      const cat = this.category ? (cats.includes(this.category) ? cats.indexOf(this.category) : -2) : null;
      const days = facets.days;
      return (d) =>
        (since === null || days[d] >= since) &&
        (until === null || days[d] <= until) &&
        (org === null || facets.org[d] === org) &&
        (cat === null || facets.cat[d].includes(cat)) &&
        (!this.hasCode || facets.code[d] === 1);
    }
  }
  const asFilters = (filters) => (filters instanceof Filters ? filters : new Filters(filters || {}));

  /** A comparator of document numbers (search.py _sort_key: relevance is (not every clause
   * matched, -clauses matched without a typo, -score, doc)). */
  function compare(sort, scores, clauses, facets) {
    const relevance = (x, y) => {
      const s = scores.get(x);
      const t = scores.get(y);
      return (s.matched < clauses) - (t.matched < clauses) || t.exact - s.exact || t.score - s.score;
    };
    if (sort === "upvotes") {
      const up = facets.up;
      return (x, y) => up[y] - up[x] || relevance(x, y) || x - y;
    }
    if (sort === "newest") return (x, y) => x - y; // document numbers are newest first
    return (x, y) => relevance(x, y) || x - y;
  }

  /** The document numbers of the papers every name is an author of, newest first
   * (authors.py author_docs). */
  async function authorDocs(names, index) {
    let found = null;
    for (const name of names) {
      const key = index.analysis.authorKey(name);
      const shard = await index.get(`a/${authorShard(key, index.meta.authorShards)}.json`);
      const docs = new Set((own(shard, key) || []).map((back) => index.papers - 1 - back));
      found = found === null ? docs : new Set([...found].filter((d) => docs.has(d)));
    }
    return [...(found || [])].sort((x, y) => x - y);
  }

  /** An author query with no words: the authors' papers, newest first or most upvoted. */
  async function byAuthors(index, authors, only, filters, sort) {
    let docs = only;
    if (filters.active || sort === "upvotes") {
      const facets = await index.facets();
      if (filters.active) docs = docs.filter(filters.accepts(facets));
      if (sort === "upvotes") docs = [...docs].sort((x, y) => facets.up[y] - facets.up[x] || x - y);
    }
    return { docs, scores: new Map(), matched: new Set(), clauses: [], authors, only };
  }

  /** Every paper matching text, best first: {docs, scores, matched (terms), clauses, authors
   * (the author: names), only (their papers)}. */
  async function run(index, text, filters = {}, sort = "relevance") {
    filters = asFilters(filters);
    const [authors, rest] = index.analysis.splitAuthors(text);
    const clauses = index.analysis.parseQuery(rest);
    const only = authors.length ? await authorDocs(authors, index) : null;
    if (!clauses.length) {
      if (authors.length) return byAuthors(index, authors, only, filters, sort);
      return { docs: [], scores: new Map(), matched: new Set(), clauses, authors, only };
    }
    const expanded = await Promise.all(clauses.map((c) => expand(c, index)));
    const scores = await score(clauses, expanded, index);
    let docs = [...scores.keys()];
    if (only) {
      const allowed = new Set(only);
      docs = docs.filter((d) => allowed.has(d));
    }
    if (sort !== "relevance" && docs.some((d) => scores.get(d).matched === clauses.length)) {
      // Sorted by upvotes or date, partial matches would bury the papers asked for.
      docs = docs.filter((d) => scores.get(d).matched === clauses.length);
    }
    let facets = null;
    if (filters.active || sort === "upvotes") {
      facets = await index.facets();
      if (filters.active) docs = docs.filter(filters.accepts(facets));
    }
    docs.sort(compare(sort, scores, clauses.length, facets));
    const matched = new Set();
    for (const terms of expanded) for (const t of terms.keys()) matched.add(t);
    return { docs, scores, matched, clauses, authors, only };
  }

  /** What a result shows (search.py hit): {id, title, names (the first authors), more,
   * authors ("A, B, C +5"), day, upvotes}. */
  function shown([id, title, names, more, day, upvotes]) {
    return { id, title, names, more, authors: names.join(", ") + (more ? ` +${more}` : ""), day, upvotes };
  }

  /** run, with what each result shows, and its score by words (0 for an author's paper). */
  async function search(index, text, filters = {}, sort = "relevance", limit = Infinity) {
    const result = await run(index, text, filters, sort);
    const docs = result.docs.slice(0, limit);
    const papers = await Promise.all(docs.map((d) => index.display(d)));
    return docs.map((doc, i) => ({ doc, ...shown(papers[i]), score: result.scores.get(doc)?.score ?? 0 }));
  }

  return {
    FORMAT, SORTS, analysis, lunrStemmer, Index, open, expand, corrections, completions, editDistance,
    score, run, search, shown, authorDocs, authorShard, compare, Filters, dayNumber, byCodePoint, codePoints, length, isSpace,
    prefixKey, suffixKey, own,
  };
});
