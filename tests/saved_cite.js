// Runs saved.js's citation formatting (the Saved list's BibTeX and RIS export) under Node, with
// the few browser objects it touches at load stubbed, on the cases of tests/test_saved_cite.py:
//   node tests/saved_cite.js cases.json   ->  {"bibName": [...], "bibText": [...], ...}
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const cases = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const nothing = {
  querySelector: () => null,
  querySelectorAll: () => [],
  getElementById: () => null,
  addEventListener() {},
};
let exposed = null;
const context = {
  document: nothing,
  window: { addEventListener() {} },
  location: { href: "https://example.org/dp/" },
  localStorage: { getItem: () => null, setItem() {}, removeItem() {} },
  URL,
  papersSavedTest: (parts) => { exposed = parts; },
};
context.globalThis = context;
const file = path.join(__dirname, "..", "generator", "theme", "assets", "javascripts", "saved.js");
vm.runInNewContext(fs.readFileSync(file, "utf8"), context);
const out = {
  bibName: cases.names.map(exposed.bibName),
  risName: cases.names.map(exposed.risName),
  bibText: cases.titles.map(exposed.bibText),
  keyOf: cases.papers.map((p) => exposed.keyOf(p)),
};
process.stdout.write(JSON.stringify(out));
