/**
 * State directories from before state was kept per bus target have `bus-address.json` and
 * `parameters.json` at their top level, with nothing saying which bus they came from — and a run on
 * the built-in simulator followed by a run on a real adapter used the simulator's address and served
 * the simulator's values as the real controller's. They are attributed once, at the first start,
 * by what the files themselves prove:
 *
 * - a snapshot holding the built-in simulator's UID came from the simulator: both files go to the
 *   simulator's folder;
 * - a snapshot holding any other UID came from a real controller: a start on a real target adopts
 *   it (it is still checked against the live controller's UID before anything is trusted, and
 *   discarded if it differs); a start on the simulator leaves it where it is for that real target.
 *   The address goes with it only if the snapshot was taken after the address was claimed — that
 *   snapshot needed a poll, and so a token grant to that address, on that bus;
 * - anything else (an address without a snapshot, an unreadable snapshot, a folder that already
 *   has its own files) cannot be attributed: it is moved to `STATE_DIR/unattributed/` and logged,
 *   never deleted.
 */
import { mkdir, rename, stat } from "node:fs/promises";
import { join } from "node:path";
import { ADDRESS_FILE, readSavedAddressRecord } from "../state/bus-address.js";
import { BUSES_FOLDER, type BusTarget } from "../state/bus-target.js";
import type { StateDirectory } from "../state/state-file.js";
import { peekSnapshot, SNAPSHOT_FILE } from "./snapshot.js";

/**
 * The UID of the built-in simulator's controller (index 10 of `profiles/ecomax360i.json`; a test
 * checks they agree). Kept here so the gateway does not load the simulator's profile to know it.
 */
export const SIMULATOR_UID = "2L7SDPN6KQ38CIH2401K01U";
export const UNATTRIBUTED_FOLDER = "unattributed";

export interface LegacyMove {
  action: "adopted" | "kept-aside" | "left";
  files: string[];
  /** Where they went (relative to STATE_DIR); "" when left in place. */
  to: string;
  reason: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Moves `files` from the root into `folder` (relative to the root); a name taken there gets a suffix. */
async function moveFiles(root: string, files: string[], folder: string, stamp: number): Promise<void> {
  await mkdir(join(root, folder), { recursive: true });
  for (const file of files) {
    let to = join(root, folder, file);
    if (await exists(to)) to = join(root, folder, `${file}.${stamp}`);
    await rename(join(root, file), to);
  }
}

/**
 * Attributes the top-level files of an old state directory (see the module comment). `now` stamps
 * names that would collide in `unattributed/`. Returns what was done (nothing when there are none).
 */
export async function migrateLegacyState(
  root: StateDirectory,
  target: BusTarget,
  now: number,
): Promise<LegacyMove[]> {
  const hasSnapshot = await exists(root.file(SNAPSHOT_FILE));
  const hasAddress = await exists(root.file(ADDRESS_FILE));
  if (!hasSnapshot && !hasAddress) return [];
  const present = [...(hasSnapshot ? [SNAPSHOT_FILE] : []), ...(hasAddress ? [ADDRESS_FILE] : [])];
  const moves: LegacyMove[] = [];
  const aside = async (files: string[], reason: string) => {
    if (files.length === 0) return;
    await moveFiles(root.path, files, UNATTRIBUTED_FOLDER, now);
    moves.push({ action: "kept-aside", files, to: UNATTRIBUTED_FOLDER, reason });
  };
  const into = async (key: string, files: string[], reason: string) => {
    const folder = join(BUSES_FOLDER, key);
    const taken =
      (await exists(join(root.path, folder, SNAPSHOT_FILE))) ||
      (await exists(join(root.path, folder, ADDRESS_FILE)));
    if (taken) {
      await aside(files, `${reason}, but ${folder} has state of its own`);
      return;
    }
    await moveFiles(root.path, files, folder, now);
    moves.push({ action: "adopted", files, to: folder, reason });
  };

  const header = hasSnapshot ? await peekSnapshot(root) : undefined;
  if (!hasSnapshot) {
    await aside(present, "an address without a snapshot does not say which bus it was claimed on");
    return moves;
  }
  if (!header) {
    await aside(present, "the snapshot cannot be read, so nothing says which bus these files came from");
    return moves;
  }
  const uid = header.identity.uid ?? "(none)";
  if (uid === SIMULATOR_UID) {
    await into("sim", present, `the snapshot holds the built-in simulator's controller (UID ${uid})`);
    return moves;
  }
  if (target.simulated) {
    moves.push({
      action: "left",
      files: present,
      to: "",
      reason: `the snapshot is of a real controller (UID ${uid}); left for the first start on a real bus`,
    });
    return moves;
  }
  const address = hasAddress ? await readSavedAddressRecord(root) : undefined;
  const claimedAt = address?.claimedAt === undefined ? Number.NaN : Date.parse(address.claimedAt);
  // The snapshot needed a complete poll, so a token grant to the address it was taken with.
  const addressProven = address !== undefined && Number.isFinite(claimedAt) && claimedAt <= header.savedAt;
  const adopted = [SNAPSHOT_FILE, ...(hasAddress && addressProven ? [ADDRESS_FILE] : [])];
  await into(
    target.key,
    adopted,
    `the snapshot is of a real controller (UID ${uid}; checked against the live one before it is trusted)`,
  );
  if (hasAddress && !addressProven) {
    await aside(
      [ADDRESS_FILE],
      "the address was claimed after the snapshot was taken, so no poll proves it belongs to this bus",
    );
  }
  return moves;
}
