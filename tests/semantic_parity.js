// search-core.js and semantic.js under Node, for tests/test_semantic.py: reads an index folder
// built with a semantic side and a job file, prints what the browser's code makes of each
// string: token ids, the query's integer vector, the ranking by meaning and the final ranking.
//
//   node tests/semantic_parity.js <index folder> <jobs.json>   (prints JSON on stdout)
//
// jobs.json: {queries: [[text, sort, filters | null]], top: n}
"use strict";
const fs = require("fs");
const path = require("path");
const core = require("../generator/theme/assets/javascripts/search-core.js");
const S = require("../generator/theme/assets/javascripts/semantic.js");

const [folder, jobsPath] = process.argv.slice(2);
const jobs = JSON.parse(fs.readFileSync(jobsPath, "utf8"));
const get = (rel) => {
  const file = path.join(folder, rel);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
};
const bytes = (rel) => {
  const b = fs.readFileSync(path.join(folder, rel));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
};

async function main() {
  const index = await core.open(get);
  const meta = get("meta.json").semantic;
  const model = S.readModel(bytes(meta.model));
  const vectors = S.readVectors(meta, meta.chunks.map(([name]) => bytes(name)), bytes(meta.rows));
  const out = [];
  const started = process.hrtime.bigint();
  for (const [text, sort, filters] of jobs.queries) {
    const f = new core.Filters(filters || {});
    const result = await core.run(index, text, f, sort);
    const query = model.encode(index.analysis.splitAuthors(text)[1]);
    const test = f.active ? f.accepts(await index.facets()) : null;
    const only = result.only && new Set(result.only); // search.js merge: an author's papers
    const accepts = test || only ? (d) => (!test || test(d)) && (!only || only.has(d)) : null;
    const nearest = S.rank(vectors, query, accepts);
    let docs = result.docs;
    if (sort === "relevance" && result.clauses.length && result.docs.length) {
      const n = result.clauses.length;
      const every = result.docs.filter((d) => result.scores.get(d).matched === n).length;
      docs = S.fuse(result.docs, every, nearest, meta.fusion);
    }
    out.push({ tokens: model.tokens(text), query: Array.from(query), nearest, docs: docs.slice(0, jobs.top), count: docs.length });
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify({ results: out, ms }));
}
main().catch((error) => { console.error(error); process.exit(1); });
