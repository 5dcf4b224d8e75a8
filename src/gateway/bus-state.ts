/**
 * Opens the state of the bus the gateway is pointed at: which target it is (`state/bus-target.ts`),
 * the attribution of an old, flat state directory (`legacy-state.ts`), and that target's folder —
 * where the address and the snapshot live. Used by the core and by the commands that claim an
 * address (`gm3 scan`), so both find the same folder.
 */
import type { Logger } from "../log/index.js";
import { logEvent } from "../log/index.js";
import {
  type BusTarget,
  type BusTargetKind,
  resolveBusTarget,
  targetStateDirectory,
} from "../state/bus-target.js";
import { StateDirectory } from "../state/state-file.js";
import { migrateLegacyState } from "./legacy-state.js";

export interface BusState {
  target: BusTarget;
  /** `STATE_DIR/buses/<key>/`. */
  directory: StateDirectory;
}

export async function openBusState(
  stateDir: string,
  link: { kind: BusTargetKind; target: string },
  options: { logger: Logger; now: number; byIdDir?: string },
): Promise<BusState> {
  const root = new StateDirectory(stateDir);
  const target = await resolveBusTarget(link.kind, link.target, root, { byIdDir: options.byIdDir });
  for (const move of await migrateLegacyState(root, target, options.now)) {
    logEvent(options.logger, move.action === "kept-aside" ? "state.unattributed" : "state.legacy", {
      files: move.files,
      to: move.to,
      action: move.action,
      reason: move.reason,
    });
  }
  const directory = await targetStateDirectory(root, target);
  return { target, directory };
}
