/**
 * A small reader of the repository's Markdown for the docs checks: the links a page makes, the
 * anchors its headings give (GitHub's way), and its prose lines (outside code blocks and tables).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";

export interface MarkdownLink {
  /** 1-based line of the page the link is on. */
  line: number;
  target: string;
}

/** The page's lines with fenced code blocks blanked (kept as empty lines, so numbers stay right). */
export function withoutCodeBlocks(text: string): string[] {
  let fence: string | undefined;
  return text.split("\n").map((line) => {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined) {
      if (marker === undefined) return line;
      fence = marker;
    } else if (
      marker !== undefined &&
      marker[0] === fence[0] &&
      marker.length >= fence.length &&
      line.trim() === marker
    ) {
      fence = undefined;
    }
    return "";
  });
}

/** Inline code spans removed: what is in backticks is never a link. */
function withoutCodeSpans(line: string): string {
  return line.replace(/(`+)(?:(?!\1).)+?\1/g, "");
}

/** Every relative or absolute link target of the page (inline links, images, reference definitions). */
export function linksOf(text: string): MarkdownLink[] {
  const lines = withoutCodeBlocks(text).map(withoutCodeSpans);
  const prose = lines.join("\n");
  const lineAt = (offset: number) => prose.slice(0, offset).split("\n").length;
  const links: MarkdownLink[] = [];
  // A link's text may wrap onto the next line; its target may not.
  const inline = /!?\[(?:[^\][]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g;
  for (const match of prose.matchAll(inline)) {
    links.push({ line: lineAt(match.index + match[0].length), target: match[1]! });
  }
  lines.forEach((line, index) => {
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(line);
    if (definition) links.push({ line: index + 1, target: definition[1]! });
  });
  return links.sort((a, b) => a.line - b.line);
}

/** GitHub's anchor for a heading's text: lower case, punctuation dropped, spaces to hyphens. */
export function slugOf(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-");
}

/** The anchors a page offers: one per heading (repeats get -1, -2 …) and explicit `id`/`name` attributes. */
export function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutCodeBlocks(text)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const slug = slugOf(heading[1]!);
      const count = seen.get(slug) ?? 0;
      seen.set(slug, count + 1);
      anchors.add(count === 0 ? slug : `${slug}-${count}`);
    }
    for (const attribute of line.matchAll(/\s(?:id|name)="([^"]+)"/g)) anchors.add(attribute[1]!);
  }
  return anchors;
}

/** Prose lines longer than `max` characters, outside code blocks and tables (and generated regions). */
export function longLines(text: string, max: number): { line: number; length: number }[] {
  const long: { line: number; length: number }[] = [];
  withoutCodeBlocks(text).forEach((line, index) => {
    const length = [...line].length;
    if (length > max && !line.trimStart().startsWith("|")) long.push({ line: index + 1, length });
  });
  return long;
}

const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Every link of `page` (a path relative to `root`) that does not resolve: a missing file or folder,
 * or an #anchor that no heading of the Markdown page it points to gives. One line per broken link,
 * naming the page, its line and the link.
 */
export function brokenLinks(
  root: string,
  page: string,
  text = readFileSync(join(root, page), "utf8"),
): string[] {
  const problems: string[] = [];
  for (const { line, target } of linksOf(text)) {
    if (EXTERNAL.test(target) || target.startsWith("//")) continue;
    const hash = target.indexOf("#");
    const path = decodeURI(hash < 0 ? target : target.slice(0, hash));
    const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const where = `${page}:${line}: ${target}`;
    if (path === "") {
      if (anchor !== undefined && !anchorsOf(text).has(anchor))
        problems.push(`${where} — no heading gives #${anchor} here`);
      continue;
    }
    const file = path.startsWith("/") ? join(root, path) : join(root, dirname(page), path);
    if (relative(root, file).startsWith("..")) {
      problems.push(`${where} — points outside the repository`);
      continue;
    }
    if (!existsSync(file)) {
      problems.push(`${where} — no file ${relative(root, file)}`);
      continue;
    }
    if (anchor === undefined || !file.endsWith(".md") || statSync(file).isDirectory()) continue;
    if (!anchorsOf(readFileSync(file, "utf8")).has(anchor)) {
      problems.push(`${where} — no heading gives #${anchor} in ${relative(root, file)}`);
    }
  }
  return problems;
}
