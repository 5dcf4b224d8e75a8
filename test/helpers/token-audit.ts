/** Checks, from the simulator's bus log, that a gateway transmitted only while holding the token. */
import { Command, ServiceFunction } from "../../src/protocol/index.js";
import type { BusLogEntry } from "../../src/sim/index.js";

export interface TokenAudit {
  grants: number;
  returns: number;
  /** Gateway frames sent while it did not hold the token (IDENTIFY answers excepted). */
  outsideToken: BusLogEntry[];
  /** Grants not followed by a return before the next grant. */
  unreturned: number;
}

function isService(entry: BusLogEntry, fn: number): boolean {
  const f = entry.frame;
  return !!f && f.command === Command.SERVICE && f.payload.length >= 2 && f.payload.readUInt16LE(0) === fn;
}

export function auditToken(entries: Iterable<BusLogEntry>, gateway: number, panel = 100): TokenAudit {
  const audit: TokenAudit = { grants: 0, returns: 0, outsideToken: [], unreturned: 0 };
  let holding = false;
  for (const entry of entries) {
    const f = entry.frame;
    if (!f) continue;
    if (f.source === panel && f.destination === gateway && isService(entry, ServiceFunction.TOKEN_GRANT)) {
      if (holding) audit.unreturned++;
      holding = true;
      audit.grants++;
      continue;
    }
    if (f.source !== gateway) continue;
    if (f.command === Command.IDENTIFY_RESPONSE) continue; // replies need no token
    if (isService(entry, ServiceFunction.TOKEN_RETURN)) {
      if (!holding) audit.outsideToken.push(entry);
      holding = false;
      audit.returns++;
      continue;
    }
    if (!holding) audit.outsideToken.push(entry);
  }
  return audit;
}
