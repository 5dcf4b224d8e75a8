/** GM3 bus addresses: u16, decimal or 0x-hex, with reserved values refused for a reason. */
import { fail, ok, quote, type SettingKind, scalarText } from "./kind.js";

const MAX_ADDRESS = 0xffff;
const HEX_TEXT = /^0x[0-9a-f]{1,4}$/i;
const DECIMAL_TEXT = /^\d+$/;

export type AutoAddress = "auto";

function addressOf(raw: unknown): number | undefined {
  if (typeof raw === "number") return Number.isInteger(raw) ? raw : undefined;
  const text = scalarText(raw);
  if (text === undefined || typeof raw === "boolean") return undefined;
  if (HEX_TEXT.test(text)) return Number.parseInt(text.slice(2), 16);
  return DECIMAL_TEXT.test(text) ? Number(text) : undefined;
}

export interface AddressRules {
  /** Addresses that may not be used, with the reason shown to the user. */
  reserved: ReadonlyMap<number, string>;
}

function parseAddress(raw: unknown, rules: AddressRules) {
  const address = addressOf(raw);
  if (address === undefined) return fail<number>(`${quote(raw)} is not a bus address`);
  if (address > MAX_ADDRESS) return fail<number>(`${address} is above ${MAX_ADDRESS} (addresses are 16-bit)`);
  const reason = rules.reserved.get(address);
  return reason === undefined ? ok(address) : fail<number>(`${address} is reserved: ${reason}`);
}

function allowedText(rules: AddressRules): string {
  const reserved = [...rules.reserved.keys()].map((a) => (a > 255 ? `0x${a.toString(16).toUpperCase()}` : a));
  return `integer 0..65535 (decimal or 0x hex), except ${reserved.join(", ")}`;
}

export function addressKind(rules: AddressRules): SettingKind<number> {
  return {
    allowed: allowedText(rules),
    parse: (raw) => parseAddress(raw, rules),
    format: String,
    toYaml: String,
  };
}

/** `auto` (claim a free address on the bus) or a fixed address. */
export function autoAddressKind(rules: AddressRules): SettingKind<number | AutoAddress> {
  return {
    allowed: `auto, or ${allowedText(rules)}`,
    parse(raw) {
      if (typeof raw === "string" && raw.trim().toLowerCase() === "auto") return ok<AutoAddress>("auto");
      return parseAddress(raw, rules);
    },
    format: String,
    toYaml: (value) => (value === "auto" ? '"auto"' : String(value)),
  };
}
