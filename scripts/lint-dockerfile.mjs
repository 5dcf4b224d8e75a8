#!/usr/bin/env node
// Lints Dockerfiles with dockerfile-utils (the linter behind the Docker language server): every
// diagnostic, error or warning, fails. Usage: node scripts/lint-dockerfile.mjs [Dockerfile…]
import { readFileSync } from "node:fs";
import dockerfileUtils from "dockerfile-utils";

/** LSP severities: 1 error, 2 warning. */
const ERROR = 1;

const files = process.argv.length > 2 ? process.argv.slice(2) : ["Dockerfile"];
let problems = 0;
for (const file of files) {
  const diagnostics = dockerfileUtils.validate(readFileSync(file, "utf8"));
  for (const d of diagnostics) {
    const level = d.severity === ERROR ? "error" : "warning";
    console.error(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${level}: ${d.message}`);
  }
  problems += diagnostics.length;
  if (diagnostics.length === 0) console.log(`${file}: no problems (dockerfile-utils)`);
}
process.exit(problems > 0 ? 1 : 0);
