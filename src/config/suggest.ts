/** "Did you mean …?" for misspelt setting names. */

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Typos up to about a third of the name are suggested; anything further is a different word. */
const MAX_DISTANCE_SHARE = 1 / 3;

/** The candidate closest to `input` (case- and dash-insensitive), if it is close enough to be a typo. */
export function closestName(input: string, candidates: readonly string[]): string | undefined {
  const normalised = input.toLowerCase().replaceAll("-", "_");
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(normalised, name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  if (!best) return undefined;
  const limit = Math.max(2, Math.floor(best.name.length * MAX_DISTANCE_SHARE));
  return best.distance <= limit ? best.name : undefined;
}
