/** Human-readable one-line summaries of frames, for `gm3 decode` and `gm3 sniff`. */
import { Address, commandName } from "./constants.js";
import type { Frame } from "./frame.js";
import type { Message, ServiceDetail } from "./message.js";
import { formatAlarmDate } from "./payloads/alarm.js";
import { IDENTITY_FIELDS } from "./payloads/identify.js";
import type { Limit } from "./payloads/params-struct.js";
import { typeName } from "./types.js";

const roles = new Map<number, string>([
  [Address.CONTROLLER, "controller"],
  [Address.PANEL, "panel"],
  [Address.BROADCAST, "broadcast"],
]);

/** `100(panel)`, `1(controller)`, `0xFFFF(broadcast)`, or the bare number. */
export function describeAddress(address: number): string {
  if (address === Address.BROADCAST) return "0xFFFF";
  const role = roles.get(address);
  return role ? `${address}(${role})` : String(address);
}

function hexBytes(bytes: Uint8Array, max = 24): string {
  const shown = Buffer.from(bytes.subarray(0, max))
    .toString("hex")
    .replace(/(..)(?!$)/g, "$1 ");
  return bytes.length > max ? `${shown} … (${bytes.length} bytes)` : shown;
}

function formatValue(value: unknown): string {
  return typeof value === "string"
    ? JSON.stringify(value)
    : typeof value === "bigint"
      ? `${value}n`
      : String(value);
}

function formatLimit(limit: Limit): string {
  return limit.kind === "none" ? "–" : limit.kind === "literal" ? String(limit.value) : `@${limit.index}`;
}

function describeService(detail: ServiceDetail): string {
  switch (detail.function) {
    case "token-grant":
      return "token grant";
    case "token-return":
      return "token return";
    case "clock": {
      const c = detail.clock;
      const two = (n: number) => String(n).padStart(2, "0");
      return `clock ${c.year}-${two(c.month)}-${two(c.day)} ${two(c.hour)}:${two(c.minute)}:${two(c.second)} weekday ${c.weekday}`;
    }
    case "device-table":
      return `device table: ${detail.devices.map((d) => `${d.address}=${Number.isNaN(d.temperature) ? "NaN" : `${d.temperature}°C`}`).join(", ") || "(empty)"}`;
    case "pairing-beacon":
      return "pairing beacon";
    case "address-assignment":
      return `address assignment → ${detail.address}`;
    case "alarm-read":
      return `alarm read #${detail.alarmIndex}`;
    case "unknown":
      return `function 0x${detail.code.toString(16).padStart(4, "0")} ${hexBytes(detail.body)}`;
  }
}

/** Summary of a message's payload (no addresses). */
export function describeMessage(message: Message, maxValues = 6): string {
  switch (message.kind) {
    case "get-settings":
      return "";
    case "settings": {
      const s = message.settings;
      return `uid ${s.uid} "${s.deviceName}" ${s.softwareVersion} product ${s.productId} type ${s.deviceType}`;
    }
    case "struct-request":
    case "get-params-request":
      return `count ${message.count} from #${message.firstIndex}`;
    case "struct-response": {
      const { firstIndex, entries } = message.batch;
      const shown = entries
        .slice(0, maxValues)
        .map((e, i) => {
          const range = message.withRange ? ` ${formatLimit(e.min)}..${formatLimit(e.max)}` : "";
          return `#${firstIndex + i} ${JSON.stringify(e.name)} ${typeName(e.typeCode)}${e.writable ? " rw" : ""}${e.unit ? ` [${e.unit}]` : ""}${range}`;
        })
        .join("; ");
      return `${entries.length} descriptors from #${firstIndex}: ${shown}${entries.length > maxValues ? "; …" : ""}`;
    }
    case "identify":
      return "";
    case "identity":
      return message.strings
        .map((s, i) => `${IDENTITY_FIELDS[i] ?? `field${i}`}=${JSON.stringify(s)}`)
        .join(" ");
    case "modify-request": {
      const r = message.request;
      return `${r.user}/${r.code} #${r.index} ← ${hexBytes(r.valueBytes)}${r.count !== 1 ? ` (count ${r.count})` : ""}`;
    }
    case "modify-result":
      return `result 0x${message.result.toString(16).padStart(2, "0")}`;
    case "get-params-response": {
      const head = `${message.count} values from #${message.firstIndex}`;
      if (message.values) {
        const shown = message.values
          .slice(0, maxValues)
          .map((v) => `#${v.index}=${formatValue(v.value)}`)
          .join(" ");
        return `${head}: ${shown}${message.values.length > maxValues ? " …" : ""}`;
      }
      return message.typeError ? `${head} (not decoded: ${message.typeError})` : head;
    }
    case "service":
      return describeService(message.detail);
    case "service-response": {
      const a = message.alarm;
      if (!a) return hexBytes(message.body);
      if (!a.from) return "alarm: end of list";
      return `alarm code ${a.code} from ${formatAlarmDate(a.from)} ${a.to ? `to ${formatAlarmDate(a.to)}` : "(active)"}`;
    }
    case "no-data":
    case "error":
      return "";
    case "unknown":
      return "";
    case "malformed":
      return `MALFORMED: ${message.reason}`;
  }
}

/** `100(panel) → 131 IDENTIFY` plus the payload summary. */
export function describeFrame(frame: Frame, message: Message): string {
  const summary = describeMessage(message);
  const head = `${describeAddress(frame.source)} → ${describeAddress(frame.destination)} ${commandName(frame.command)}`;
  return summary ? `${head} ${summary}` : head;
}
