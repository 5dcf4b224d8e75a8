/**
 * The documentation holds together: every relative link and #anchor in README.md, CONTRIBUTING.md,
 * CHANGELOG.md and docs/*.md resolves, every docs page is linked from the README, and the README
 * stays short (≤ 15 KB, no prose line over 160 characters).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { anchorsOf, brokenLinks, linksOf, longLines, slugOf } from "./markdown.js";

const root = join(import.meta.dirname, "..", "..");
const docsPages = readdirSync(join(root, "docs"))
  .filter((name) => name.endsWith(".md"))
  .map((name) => `docs/${name}`)
  .sort();
const pages = ["README.md", "CONTRIBUTING.md", "CHANGELOG.md", ...docsPages];
const readme = readFileSync(join(root, "README.md"), "utf8");

describe("documentation links", () => {
  it.each(pages)("every relative link and anchor in %s resolves", (page) => {
    expect(brokenLinks(root, page)).toEqual([]);
  });

  it("every docs page is linked from the README", () => {
    const linked = new Set(linksOf(readme).map(({ target }) => target.split("#")[0]));
    expect(docsPages.filter((page) => !linked.has(page))).toEqual([]);
  });
});

describe("the README", () => {
  it("is at most 15 KB", () => {
    expect(Buffer.byteLength(readme), "README.md is over 15,000 bytes").toBeLessThanOrEqual(15_000);
  });

  it("has no line over 160 characters outside code blocks and tables", () => {
    expect(longLines(readme, 160)).toEqual([]);
  });

  it("starts with the two commands: the gateway and the tests", () => {
    const block = /^# [^\n]+\n\n```sh\n([^`]*)```/.exec(readme)?.[1] ?? "";
    expect(block.split("\n").map((line) => line.split("#")[0]!.trim())).toEqual([
      "npm start",
      "npm test",
      "",
    ]);
  });
});

describe("the link check itself", () => {
  const page = [
    "# Title",
    "## A `code` heading — with: punctuation",
    "## Title",
    "[ok](#title) [ok too](#title-1) [fine](#a-code-heading--with-punctuation)",
    "[gone](missing.md) [bad anchor](#nowhere) `[in code](absent.md)`",
    "```",
    "[in a block](absent.md)",
    "```",
    "[web](https://example.org) [up](../../outside.md) [a link text",
    "that wraps](wrapped.md)",
  ].join("\n");

  it("names each broken link with its page and line", () => {
    expect(brokenLinks(root, "docs/example.md", page)).toEqual([
      "docs/example.md:5: missing.md — no file docs/missing.md",
      "docs/example.md:5: #nowhere — no heading gives #nowhere here",
      "docs/example.md:9: ../../outside.md — points outside the repository",
      "docs/example.md:10: wrapped.md — no file docs/wrapped.md",
    ]);
  });

  it("gives headings GitHub's anchors", () => {
    expect(slugOf("`--port` and `--baud`")).toBe("--port-and---baud");
    expect(slugOf("HTTP: `bench/http.ts`")).toBe("http-benchhttpts");
    expect([...anchorsOf(page)]).toEqual(["title", "a-code-heading--with-punctuation", "title-1"]);
  });

  it("measures lines in characters, skipping code blocks and tables", () => {
    const long = "é".repeat(161);
    expect(longLines(["é".repeat(160), long, "```", long, "```", `| ${long} |`].join("\n"), 160)).toEqual([
      { line: 2, length: 161 },
    ]);
  });
});
