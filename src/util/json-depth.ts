/**
 * How deeply a JSON text nests, found without parsing it: `JSON.parse` recurses once per level,
 * so a body of 500,000 `[` would exhaust the stack. Clients' bodies are flat (`{"value": 46}`);
 * anything nested deeper than a small bound is refused before it is parsed.
 */

const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether `text` opens more than `maxDepth` arrays/objects inside each other at some point. One
 * pass, no recursion, strings skipped (a `[` inside a string does not count). Malformed text is
 * measured as far as it goes; `JSON.parse` then reports what is wrong with it.
 */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
      continue;
    }
    if (code === QUOTE) inString = true;
    else if (code === OPEN_ARRAY || code === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (code === CLOSE_ARRAY || code === CLOSE_OBJECT) depth--;
  }
  return false;
}
