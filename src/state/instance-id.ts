/**
 * A random id for this gateway instance, made on its first start and kept in the state directory:
 * what tells two gateways apart where nothing else does (two gateways on one controller have the
 * same UID), e.g. in the MQTT client id.
 */
import { randomBytes } from "node:crypto";
import type { StateDirectory } from "./state-file.js";

const INSTANCE_FILE = "instance-id.json";
const ID_BYTES = 4;

function isSavedId(value: unknown): value is { id: string } {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === "string" && /^[0-9a-f]{8}$/.test(id);
}

/**
 * The saved id, or a new one saved for next time. `created` says it is new; `saveError` that it
 * could not be kept (a read-only STATE_DIR): it is used anyway, and the next start makes another.
 */
export async function readOrCreateInstanceId(
  directory: StateDirectory,
): Promise<{ id: string; created: boolean; saveError?: string }> {
  const saved = await directory.read(INSTANCE_FILE, isSavedId);
  if (saved) return { id: saved.id, created: false };
  const id = randomBytes(ID_BYTES).toString("hex");
  try {
    await directory.write(INSTANCE_FILE, { id, createdAt: new Date().toISOString() });
  } catch (error) {
    return { id, created: true, saveError: (error as Error).message };
  }
  return { id, created: true };
}
