/**
 * The simulator's bus log (`gm3 sim --bus-log FILE`, one JSON line per frame on the wire): the
 * MODIFY_PARAM frames the gateway put on the wire, per parameter index.
 */
import { readFileSync } from "node:fs";
import { Command } from "../../src/protocol/index.js";

interface Line {
  valid: boolean;
  collided: boolean;
  hex: string;
  source?: number;
  command?: number;
}

const PAYLOAD_OFFSET = 8;

/** MODIFY_PARAM payload: user NUL, password NUL, count, then index (uint16 LE) and value. */
function modifiedIndex(frame: Buffer): number | undefined {
  const payload = frame.subarray(PAYLOAD_OFFSET, frame.length - 3);
  const userEnd = payload.indexOf(0);
  const passwordEnd = payload.indexOf(0, userEnd + 1);
  if (userEnd < 0 || passwordEnd < 0 || payload.length < passwordEnd + 4) return undefined;
  return payload.readUInt16LE(passwordEnd + 2);
}

export interface ModifyCount {
  total: number;
  collided: number;
  byIndex: Map<number, number>;
}

/** MODIFY_PARAM frames from `source` (the gateway's address) in the log. */
export function countModifyFrames(file: string, source: number): ModifyCount {
  const count: ModifyCount = { total: 0, collided: 0, byIndex: new Map() };
  for (const text of readFileSync(file, "utf8").split("\n")) {
    if (!text.includes(`"command":${Command.MODIFY_PARAM}`)) continue;
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch {
      continue; // the line being written when the file was read
    }
    if (!line.valid || line.source !== source || line.command !== Command.MODIFY_PARAM) continue;
    count.total++;
    if (line.collided) count.collided++;
    const index = modifiedIndex(Buffer.from(line.hex, "hex"));
    if (index !== undefined) count.byIndex.set(index, (count.byIndex.get(index) ?? 0) + 1);
  }
  return count;
}
