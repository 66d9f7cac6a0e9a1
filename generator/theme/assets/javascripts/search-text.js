/* Daily Papers search, the analysis of text: generator/search/analysis.py's twin, in JavaScript.
 *
 * What search-core.js (the index and the queries) builds on: Python's string semantics, the
 * stemmer, the analysis of queries (normalize, term, chunk, clean, chunks, chunk_terms,
 * cleanQuery, parseQuery) and of author names (authorKey, splitAuthors, authorShard:
 * generator/search/authors.py). search-core.js's header says how the twins are kept alike.
 *
 * No DOM: a classic <script> (window.PapersSearchText, loaded before search-core.js) and a
 * Node module (module.exports).
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) {
    module.exports = factory(() => require("./vendor/lunr-2.3.9.min.js"));
  } else {
    root.PapersSearchText = factory(() => root.lunr);
  }
})(typeof globalThis !== "undefined" ? globalThis : this, (findLunr) => {
  "use strict";

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
    // --- author names: generator/search/authors.py ---
    const AUTHOR = rx("author", "gu");
    const MARKS = /\p{M}+/gu;
    const SEPARATORS = /[^\p{L}\p{N}]+/gu;
    const FOLD = new Map(Object.entries(rules.authorFold));
    const FOLDED = new RegExp(`[${Object.keys(rules.authorFold).join("")}]`, "gu");
    /** A name as the index keys it: NFKC, lower case, accents off, other runs one space. */
    function authorKey(name) {
      const text = name.normalize("NFKC").toLowerCase().normalize("NFD");
      return text.replace(MARKS, "").replace(FOLDED, (ch) => FOLD.get(ch))
        .replace(SEPARATORS, " ").trim();
    }
    /** [the names of a query's author: clauses, the rest of the query]. */
    function splitAuthors(text) {
      const names = Array.from(text.matchAll(AUTHOR), (m) => (m[1] !== undefined ? m[1] : m[2]));
      return [names.filter((n) => authorKey(n)), text.replace(AUTHOR, " ")];
    }
    return {
      rules, stem, normalize, term, chunk, clean, chunks, chunkTerms, cleanQuery, parseQuery, wantsTypos,
      authorKey, splitAuthors,
    };
  }

  /** The author file of a key: FNV-1a (32 bits) of its UTF-8, modulo the number of shards. */
  function authorShard(key, shards) {
    let value = 0x811c9dc5;
    for (const byte of new TextEncoder().encode(key)) value = Math.imul(value ^ byte, 0x01000193) >>> 0;
    return value % shards;
  }

  return {
    codePoints, length, byCodePoint, isSpace, lastCodePoint, prefixKey, suffixKey, own,
    lunrStemmer, defaultStem, analysis, authorShard,
  };
});
