/** The bus address the panel confirmed, kept in the state directory across restarts. */
import type { StateDirectory } from "./state-file.js";

const ADDRESS_FILE = "bus-address.json";

function isSavedAddress(value: unknown): value is { address: number } {
  const address = (value as { address?: unknown } | null)?.address;
  return typeof address === "number" && Number.isInteger(address) && address > 0 && address < 0xffff;
}

export async function readSavedAddress(directory: StateDirectory): Promise<number | undefined> {
  return (await directory.read(ADDRESS_FILE, isSavedAddress))?.address;
}

export async function saveAddress(directory: StateDirectory, address: number): Promise<void> {
  await directory.write(ADDRESS_FILE, { address, claimedAt: new Date().toISOString() });
}
