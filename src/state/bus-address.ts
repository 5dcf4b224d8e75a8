/** The bus address the panel confirmed, kept in the state directory (per bus target) across restarts. */
import type { StateDirectory } from "./state-file.js";

export const ADDRESS_FILE = "bus-address.json";

export interface SavedAddress {
  address: number;
  /** When the panel confirmed it (ISO 8601); absent in hand-written files. */
  claimedAt?: string;
}

function isSavedAddress(value: unknown): value is SavedAddress {
  const v = value as { address?: unknown; claimedAt?: unknown } | null;
  const address = v?.address;
  return (
    typeof address === "number" &&
    Number.isInteger(address) &&
    address > 0 &&
    address < 0xffff &&
    (v?.claimedAt === undefined || typeof v.claimedAt === "string")
  );
}

export async function readSavedAddressRecord(directory: StateDirectory): Promise<SavedAddress | undefined> {
  return directory.read(ADDRESS_FILE, isSavedAddress);
}

export async function readSavedAddress(directory: StateDirectory): Promise<number | undefined> {
  return (await readSavedAddressRecord(directory))?.address;
}

export async function saveAddress(
  directory: StateDirectory,
  address: number,
  claimedAt: number,
): Promise<void> {
  await directory.write(ADDRESS_FILE, { address, claimedAt: new Date(claimedAt).toISOString() });
}
