// search-core.js under Node, for tests/test_search_parity.py: reads a job file (JSON) and an
// index folder (generator.search.index_files written to disk), prints what the core makes of
// every string, in the shapes the test builds on the Python side.
//
//   node tests/search_parity.js <index folder> <jobs.json>   (prints JSON on stdout)
//
// jobs.json: {analysis: [text], queries: [[text, sort, filters | null]], top: n,
//             distances: [[a, b, limit]], order: [text], keys: [text], stems: [word],
//             authors: [text]}
"use strict";
const fs = require("fs");
const path = require("path");
const core = require("../generator/theme/assets/javascripts/search-core.js");

const [folder, jobsPath] = process.argv.slice(2);
const jobs = JSON.parse(fs.readFileSync(jobsPath, "utf8"));
const files = new Map();
function get(rel) {
  // As generator.search.Index.from_folder: parsed once, {} for a file that does not exist.
  if (!files.has(rel)) {
    const file = path.join(folder, rel);
    files.set(rel, fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {});
  }
  return files.get(rel);
}

const clauseShape = (c) => [c.terms, c.prefix];
const chunkShape = ([raw, c]) => [raw, c.main, c.parts, c.last];

async function main() {
  const started = process.hrtime.bigint();
  const index = await core.open(get);
  const a = index.analysis;
  const out = { analysis: [], queries: [], distances: [], order: [], keys: [], stems: [] };
  for (const text of jobs.analysis || []) {
    const chunks = a.chunks(text);
    out.analysis.push([a.clean(text), chunks.map(chunkShape), chunks.map(([raw]) => a.chunkTerms(raw)), a.cleanQuery(text), a.parseQuery(text).map(clauseShape)]);
  }
  for (const [text, sort, filters] of jobs.queries || []) {
    const result = await core.run(index, text, filters || {}, sort);
    const top = result.docs.slice(0, jobs.top);
    const scores = top.map((d) => { const s = result.scores.get(d); return s ? [s.score, s.matched, s.exact] : null; });
    const matched = [...result.matched].sort(core.byCodePoint);
    out.queries.push([top, scores, result.docs.length, matched]);
  }
  for (const [x, y, limit] of jobs.distances || []) out.distances.push(core.editDistance(x, y, limit));
  out.order = [...(jobs.order || [])].sort(core.byCodePoint);
  for (const text of jobs.keys || []) out.keys.push([core.prefixKey(text, index.rules), core.suffixKey(text), core.length(text)]);
  for (const word of jobs.stems || []) out.stems.push(a.stem(word));
  out.authors = (jobs.authors || []).map((text) => {
    const key = a.authorKey(text);
    return [key, core.authorShard(key, 4096), a.splitAuthors(text)];
  });
  out.format = core.FORMAT;
  out.sorts = core.SORTS;
  out.ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify(out));
}
main().catch((error) => { console.error(error); process.exit(1); });
