/**
 * The import graph of src/ by folder: every folder (the first path segment under src/, a file at
 * the top counting as its own name), the number of import arrows between folders (one per
 * importing file and imported folder), and any arrow that runs up the declared layer order
 * (scripts/layers.ts) or sits on a cycle. Static, type-only, re-export and dynamic imports count.
 *
 *   npx tsx scripts/import-graph.ts [--arrows]
 */
import { relative } from "node:path";
import { folderOf, importsOf, layerRank, SRC, sourceFiles } from "./layers.js";

const showArrows = process.argv.includes("--arrows");
const files = sourceFiles(SRC);
const folders = new Set(files.map(folderOf));
/** from → to → importing files. */
const edges = new Map<string, Map<string, string[]>>();
for (const file of files) {
  const from = folderOf(file);
  for (const target of new Set(importsOf(file).map(folderOf))) {
    if (target === from) continue;
    const row = edges.get(from) ?? new Map<string, string[]>();
    edges.set(from, row);
    row.set(target, [...(row.get(target) ?? []), relative(SRC, file)]);
  }
}

/** Folders on a cycle, by strongly connected component (Tarjan). */
function cycles(): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (node: string): void => {
    order.set(node, index);
    low.set(node, index++);
    stack.push(node);
    for (const next of edges.get(node)?.keys() ?? []) {
      if (!order.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, order.get(next)!));
    }
    if (low.get(node) === order.get(node)) {
      const component: string[] = [];
      for (let top = stack.pop()!; ; top = stack.pop()!) {
        component.push(top);
        if (top === node) break;
      }
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const folder of [...folders].sort()) if (!order.has(folder)) visit(folder);
  return out;
}

const folderArrows = [...edges.values()].reduce((sum, row) => sum + row.size, 0);
const fileArrows = [...edges.values()].reduce(
  (sum, row) => sum + [...row.values()].reduce((s, list) => s + list.length, 0),
  0,
);
console.log(`folders under src/: ${folders.size}`);
console.log(`folder pairs with an arrow: ${folderArrows}`);
console.log(`file → folder import arrows between folders: ${fileArrows}`);
console.log("");
console.log("from → to (files importing)");
for (const from of [...edges.keys()].sort()) {
  const row = edges.get(from)!;
  const list = [...row.entries()].sort(([a], [b]) => a.localeCompare(b));
  console.log(`  ${from.padEnd(12)} → ${list.map(([to, by]) => `${to}(${by.length})`).join(" ")}`);
}
console.log("");
const upward = [...edges.entries()].flatMap(([from, row]) =>
  [...row.entries()]
    .filter(([to]) => {
      const a = layerRank(from);
      const b = layerRank(to);
      return a === undefined || b === undefined || b >= a;
    })
    .map(([to, by]) => `${from} → ${to}: ${by.join(", ")}`),
);
console.log(`upward, sideways or unranked arrows (scripts/layers.ts order): ${upward.length}`);
for (const line of upward) console.log(`  ${line}`);
const circles = cycles();
console.log(`cycles: ${circles.length}`);
for (const circle of circles) console.log(`  ${circle.join(" ⇄ ")}`);
if (showArrows) {
  console.log("");
  for (const row of edges.values())
    for (const [to, by] of row) for (const f of by) console.log(`${f} → ${to}`);
}
