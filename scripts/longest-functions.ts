/**
 * The longest functions in src/, by lines from the first line of the declaration to the last
 * (TypeScript compiler API: function declarations and expressions, arrow functions, methods,
 * constructors and accessors; a nested function counts on its own and inside its parent).
 * Prints the top 15, every function over 60 lines in the bus (src/bus/) and the writer
 * (src/gateway/writer.ts, write-queue.ts, write-job.ts, write-value.ts), and the longest per file.
 *
 *   npx tsx scripts/longest-functions.ts [--per-file]
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import ts from "typescript";
import { SRC, sourceFiles } from "./layers.js";

interface FunctionLength {
  file: string;
  name: string;
  line: number;
  lines: number;
}

function nameOf(node: ts.Node, source: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) return "constructor";
  const named = node as ts.Node & { name?: ts.Node };
  if (named.name) return named.name.getText(source);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))
    return parent.name.getText(source);
  if (ts.isCallExpression(parent)) return `(callback of ${parent.expression.getText(source).slice(0, 40)})`;
  return "(anonymous)";
}

function functionsOf(file: string): FunctionLength[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const found: FunctionLength[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const owner = ts.isClassLike(node.parent) && node.parent.name ? `${node.parent.name.text}.` : "";
      found.push({
        file: relative(SRC, file),
        name: owner + nameOf(node, source),
        line: start + 1,
        lines: end - start + 1,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const all = sourceFiles(SRC)
  .filter((file) => file.endsWith(".ts") && !file.endsWith(".generated.ts"))
  .flatMap(functionsOf)
  .sort((a, b) => b.lines - a.lines);
const show = (f: FunctionLength): string => `${String(f.lines).padStart(5)}  ${f.file}:${f.line}  ${f.name}`;

console.log(`functions in src/ (without *.generated.ts): ${all.length}`);
console.log(`over 60 lines: ${all.filter((f) => f.lines > 60).length}`);
console.log("");
console.log("top 15:");
for (const f of all.slice(0, 15)) console.log(show(f));
console.log("");
const writer = /^gateway\/(writer|write-queue|write-job|write-value)\.ts$/;
const busOrWriter = all.filter((f) => f.lines > 60 && (f.file.startsWith("bus/") || writer.test(f.file)));
console.log(`over 60 lines in bus/ and the writer: ${busOrWriter.length}`);
for (const f of busOrWriter) console.log(show(f));
if (process.argv.includes("--per-file")) {
  console.log("");
  console.log("longest per file:");
  const seen = new Set<string>();
  for (const f of all) {
    if (seen.has(f.file)) continue;
    seen.add(f.file);
    console.log(show(f));
  }
}
