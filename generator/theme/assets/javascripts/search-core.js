/* Daily Papers search, the query rules: generator/search.py's twin, in JavaScript.
 *
 * generator/search.py's docstring is the specification; this file implements its analysis of
 * queries (normalize, term, chunk, clean, chunks, chunk_terms), its queries (cleanQuery, parseQuery, expand,
 * corrections, completions, editDistance, score, run, search, the three sorts) and
 * Filters.accepts, function for function and in the same order of operations, so that both
 * rank every query identically (tests/test_search_parity.py runs both on thousands of strings
 * under Node and requires the same analysis and the same top 20).
 *
 * Every rule that is data (patterns, folds, stop words, boosts, limits) is read from the
 * index's meta.json ("rules", generator/search.py RULES), never written here. What is written
 * here is what Python does implicitly:
 *   - strings are sequences of code points: lengths, slices and comparisons walk code points
 *     (byCodePoint, codePoints), never UTF-16 units;
 *   - Python's str.isspace (whether the last character typed is a space), PY_SPACE below;
 *   - dicts keep insertion order: Maps here, in the order Python fills its dicts;
 *   - a JSON object is looked up with own(), never obj[key] ("constructor" is a word too).
 *
 * No DOM: a classic <script> (window.PapersSearchCore) and a Node module (module.exports).
 * The index is read through get(path), which returns the parsed JSON of an index file (or a
 * promise of it), {} for a file that does not exist. The stemmer is lunr.js's (window.lunr,
 * or vendor/lunr-2.3.9.min.js under Node) unless one is given: open(get, {stem}).
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) {
    module.exports = factory(() => require("./vendor/lunr-2.3.9.min.js"));
  } else {
    root.PapersSearchCore = factory(() => root.lunr);
  }
})(typeof globalThis !== "undefined" ? globalThis : this, (findLunr) => {
  "use strict";

  const FORMAT = 3; // generator/search.py FORMAT: the index layout this file reads
  const SORTS = ["relevance", "upvotes", "newest"];
  const DAY_MS = 86400000;

  // --- Python's string semantics ------------------------------------------------------------
  /** The code points of a string, as strings (Python's list(s)). */
  const codePoints = (s) => Array.from(s);
  /** Python's len(s). */
  function length(s) {
    let n = 0;
    for (const _ of s) n++;
    return n;
  }
  /** Python's comparison of strings: code point by code point (JS's < compares UTF-16 units,
   * which puts U+10000.. before U+E000..U+FFFF). */
  function byCodePoint(x, y) {
    if (x === y) return 0;
    const a = x[Symbol.iterator]();
    const b = y[Symbol.iterator]();
    for (;;) {
      const p = a.next();
      const q = b.next();
      if (p.done || q.done) return p.done ? (q.done ? 0 : -1) : 1;
      const u = p.value.codePointAt(0);
      const v = q.value.codePointAt(0);
      if (u !== v) return u < v ? -1 : 1;
    }
  }
  // Python 3.11's str.isspace(): bidirectional class WS, B or S, or category Zs. JavaScript's
  // \s differs (it has U+FEFF, lacks U+001C..U+001F and U+0085).
  const PY_SPACE = new Set(
    [0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680,
      0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
      0x2028, 0x2029, 0x202f, 0x205f, 0x3000].map((c) => String.fromCodePoint(c)),
  );
  const isSpace = (ch) => PY_SPACE.has(ch);
  /** The last code point of s, or "" (Python's s[-1]). */
  function lastCodePoint(s) {
    if (!s) return "";
    const c = s.codePointAt(s.length - 1);
    if (c >= 0xdc00 && c <= 0xdfff && s.length > 1) {
      const pair = s.codePointAt(s.length - 2);
      if (pair > 0xffff) return String.fromCodePoint(pair);
    }
    return String.fromCodePoint(c);
  }
  const hexOfUtf8 = (s) => Array.from(new TextEncoder().encode(s), (b) => b.toString(16).padStart(2, "0")).join("");
  /** The dictionary shard of a term: hex of the UTF-8 of its first two code points, or four
   * when the rules' "digits2" pattern matches it (terms that start with two digits). */
  const prefixKey = (word, rules) => {
    const n = rules && rules.digits2 && new RegExp(rules.digits2, "u").test(word) ? 4 : 2;
    return hexOfUtf8(codePoints(word).slice(0, n).join(""));
  };
  /** The typo shard of a term: hex of the UTF-8 of its last two code points. */
  const suffixKey = (word) => hexOfUtf8(codePoints(word).slice(-2).join(""));
  /** An own property of a parsed JSON object, or undefined (never one of Object.prototype). */
  const own = (object, key) => (Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined);

  // --- the stemmer --------------------------------------------------------------------------
  /** lunr.js's Porter stemmer, made to count code points as Python's does: lunr.js's patterns
   * see a letter beyond U+FFFF as two units (a word of two such letters is long enough to
   * stem, and two of them are no double consonant), so each becomes a private-use character
   * for the stemmer and comes back after. The stemmer tells only a, e, i, o, u, w, x, y and
   * the suffixes' letters apart: every other letter is a consonant to it, as they are. */
  function lunrStemmer(lunr) {
    const stemOf = (word) => lunr.stemmer(new lunr.Token(word)).toString();
    return (word) => {
      if (!/[\u{10000}-\u{10FFFF}]/u.test(word)) return stemOf(word);
      const astral = [];
      const mapped = codePoints(word).map((ch) => {
        if (ch.length === 1) return ch;
        let n = astral.indexOf(ch);
        if (n < 0) n = astral.push(ch) - 1;
        return String.fromCharCode(0xe000 + n); // a word is \p{L}\p{M} only: no private use
      });
      return codePoints(stemOf(mapped.join("")))
        .map((ch) => { const c = ch.charCodeAt(0); return c >= 0xe000 && c < 0xe000 + astral.length ? astral[c - 0xe000] : ch; })
        .join("");
    };
  }
  function defaultStem() {
    const lunr = findLunr();
    if (!lunr || !lunr.stemmer) throw new Error("search-core.js: lunr.js is not loaded (or pass {stem})");
    return lunrStemmer(lunr);
  }

  // --- analysis: generator/search.py normalize .. chunk_terms -------------------------------
  /** The analysis of generator/search.py with meta.json's rules and a stemmer. */
  function analysis(rules, stemWord) {
    const rx = (name, flags = "u") => new RegExp(rules[name], flags);
    const POSSESSIVE = rx("possessive", "gu");
    const CHUNK = rx("chunk", "gu");
    const DOT = rx("dot");
    const HYPHEN = rx("hyphen");
    const PIECES = rx("pieces", "gu");
    const NUMBER = rx("number");
    const LETTERS = rx("letters");
    const ARXIV = rx("arxivId", "gu");
    // "$1iz$2": JavaScript's replacement syntax; an optional group that took no part is "".
    const FOLDS = rules.fold.map(([pattern, replacement]) => [new RegExp(pattern, "u"), replacement]);
    const STOP = new Set(rules.stopWords);
    const stems = new Map();
    const terms = new Map();
    const chunkCache = new Map();

    function stem(word) {
      let s = stems.get(word);
      if (s === undefined) stems.set(word, (s = stemWord(word)));
      return s;
    }
    /** NFKC, then lower case (Python's str.lower(): full case mapping, final sigma). */
    const normalize = (text) => text.normalize("NFKC").toLowerCase();
    /** The indexed form of one word: null for a stop word, else folded and stemmed. */
    function term(word) {
      if (!word || STOP.has(word)) return null;
      if (!LETTERS.test(word)) return word; // numbers, versions and model names as written
      let t = terms.get(word);
      if (t === undefined) {
        let folded = word;
        for (const [pattern, replacement] of FOLDS) {
          if (pattern.test(folded)) {
            folded = folded.replace(pattern, replacement);
            break;
          }
        }
        terms.set(word, (t = stem(folded)));
      }
      return t;
    }
    const split = (text, pattern) => text.split(pattern); // no groups: no separators, as Python
    const findall = (text, pattern) => Array.from(text.matchAll(pattern), (m) => m[0]);
    /** The terms of one chunk (already normalised): {main, parts, last}. */
    function chunk(text) {
      let c = chunkCache.get(text);
      if (c) return c;
      let main = null;
      const parts = [];
      const groups = split(text, DOT).filter(Boolean);
      for (const group of groups) {
        const pieces = split(group, HYPHEN).filter(Boolean);
        if (pieces.length > 1) parts.push(term(pieces.join("")));
        for (const piece of pieces) {
          parts.push(term(piece));
          const sub = findall(piece, PIECES);
          if (sub.length > 1) {
            for (const s of sub) if (length(s) > 1 || NUMBER.test(s)) parts.push(term(s));
          }
        }
      }
      const kept = parts.filter(Boolean);
      if (kept.length && groups.length === 1) main = kept[0];
      const rest = [...new Set(kept.filter((p) => p !== main))]; // dict.fromkeys: first seen
      const last = groups.length ? split(groups[groups.length - 1], HYPHEN).at(-1) : "";
      c = Object.freeze({ main, parts: rest, last });
      chunkCache.set(text, c);
      return c;
    }
    /** Normalised, lower-cased, possessives dropped: the text chunks are found in. */
    const clean = (text) => normalize(text).replace(POSSESSIVE, "");
    /** [written form (cleaned), chunk] of each chunk of text. (The index also joins a word
     * and the number after it, "llama 3": "llama3"; a query does not, so that is not here.) */
    const chunks = (text) => findall(clean(text), CHUNK).map((raw) => [raw, chunk(raw)]);
    /** The terms of one chunk, its own first. */
    function chunkTerms(raw) {
      const c = chunk(raw);
      return c.main ? [c.main, ...c.parts] : c.parts;
    }
    /** arXiv ids in any pasted form become the bare id. */
    const cleanQuery = (text) => normalize(text).replace(ARXIV, " $1 ");
    /** The clauses of a query: [{terms: [[term, "exact" | "part"], ...], prefix}]. */
    function parseQuery(text) {
      const typing = Boolean(text) && !isSpace(lastCodePoint(text));
      const typed = chunks(cleanQuery(text)).filter(([raw]) => raw).map(([, c]) => c);
      const clauses = [];
      typed.forEach((c, i) => {
        const last = typing && i === typed.length - 1;
        const terms = c.main ? [[c.main, "exact"]] : [];
        for (const p of c.parts) terms.push([p, "part"]);
        const prefix = last && length(c.last) >= rules.prefixMin ? c.last : "";
        if (terms.length || prefix) clauses.push({ terms, prefix });
      });
      if (clauses.length > 1 && !clauses[clauses.length - 1].terms.length) clauses.pop();
      return clauses;
    }
    /** A term corrected for typos (search.py _wants_typos). */
    const wantsTypos = (t, entry) => LETTERS.test(t) && length(t) >= rules.fuzzyMin && (entry === undefined || entry[0] <= rules.fuzzyRare);
    return { rules, stem, normalize, term, chunk, clean, chunks, chunkTerms, cleanQuery, parseQuery, wantsTypos };
  }

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
    /** [id, title, authors, day, upvotes] of a paper. */
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

  /** Every paper matching text, best first: {docs, scores, matched (terms), clauses}. */
  async function run(index, text, filters = {}, sort = "relevance") {
    filters = asFilters(filters);
    const clauses = index.analysis.parseQuery(text);
    if (!clauses.length) return { docs: [], scores: new Map(), matched: new Set(), clauses };
    const expanded = await Promise.all(clauses.map((c) => expand(c, index)));
    const scores = await score(clauses, expanded, index);
    let docs = [...scores.keys()];
    if (sort !== "relevance" && [...scores.values()].some((s) => s.matched === clauses.length)) {
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
    return { docs, scores, matched, clauses };
  }

  /** run, with what each result shows: [{doc, id, title, authors, day, upvotes, score}]. */
  async function search(index, text, filters = {}, sort = "relevance", limit = Infinity) {
    const result = await run(index, text, filters, sort);
    const docs = result.docs.slice(0, limit);
    const shown = await Promise.all(docs.map((d) => index.display(d)));
    return docs.map((doc, i) => {
      const [id, title, authors, day, upvotes] = shown[i];
      return { doc, id, title, authors, day, upvotes, score: result.scores.get(doc).score };
    });
  }

  return {
    FORMAT, SORTS, analysis, lunrStemmer, Index, open, expand, corrections, completions, editDistance,
    score, run, search, compare, Filters, dayNumber, byCodePoint, codePoints, length, isSpace,
    prefixKey, suffixKey, own,
  };
});
