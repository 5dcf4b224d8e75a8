/**
 * Checks what a person typed before anything is sent: the page refuses bad input with the reason
 * and sends no request. The gateway checks again (it is the authority: it also knows limits that
 * depend on other parameters); this only saves a round trip and explains the rules up front.
 */
import { wireType } from "./format.js";
import type { Parameter } from "./types.js";

export type ParsedInput = { ok: true; value: number | boolean | string } | { ok: false; reason: string };

type Editable = Pick<Parameter, "name" | "type" | "writable" | "min" | "max">;

/** Decimal numbers; a comma is taken as the decimal point (`21,5`). No exponents, no hex. */
const NUMBER_PATTERN = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/;

const TRUE_WORDS = new Set(["on", "true", "1", "yes"]);
const FALSE_WORDS = new Set(["off", "false", "0", "no"]);

const refuse = (reason: string): ParsedInput => ({ ok: false, reason });

/** Value words of an enumerated parameter (`{0: "off", 1: "on", 2: "schedule"}`). */
export type Labels = Readonly<Record<number, string>>;

/**
 * The values an editor of an enumerated parameter offers: its labels that the wire type and the
 * controller's limits allow, in numeric order.
 */
export function choices(parameter: Editable, labels: Labels): { value: number; label: string }[] {
  const wire = wireType(parameter.type);
  return Object.entries(labels)
    .map(([value, label]) => ({ value: Number(value), label }))
    .filter(
      ({ value }) =>
        Number.isInteger(value) &&
        (wire.min === undefined || value >= wire.min) &&
        (wire.max === undefined || value <= wire.max) &&
        (parameter.min === null || value >= parameter.min) &&
        (parameter.max === null || value <= parameter.max),
    )
    .sort((a, b) => a.value - b.value);
}

/**
 * What the person entered, checked. With `labels` (an enumerated parameter) only the values
 * `choices` offers are accepted.
 */
export function parseInput(parameter: Editable, text: string, labels?: Labels): ParsedInput {
  if (!parameter.writable) return refuse(`${parameter.name} is read-only.`);
  if (labels !== undefined) {
    const allowed = choices(parameter, labels);
    const trimmed = text.trim();
    const choice = /^\d+$/.test(trimmed) ? allowed.find((c) => c.value === Number(trimmed)) : undefined;
    if (choice) return { ok: true, value: choice.value };
    const list = allowed.map((c) => `${c.value} ${c.label}`).join(", ");
    return refuse(`${trimmed || "nothing"} is not one of ${parameter.name}'s values (${list}).`);
  }
  const wire = wireType(parameter.type);
  const trimmed = text.trim();
  switch (wire.kind) {
    case "string":
      return { ok: true, value: text };
    case "bool": {
      const word = trimmed.toLowerCase();
      if (TRUE_WORDS.has(word)) return { ok: true, value: true };
      if (FALSE_WORDS.has(word)) return { ok: true, value: false };
      return refuse(`${parameter.name} is on or off: enter on or off.`);
    }
    case "unknown":
      return refuse(`${parameter.name} has a type (${parameter.type}) the dashboard cannot write.`);
    case "integer":
    case "float":
      break;
  }
  if (trimmed === "") return refuse("Enter a value.");
  if (!NUMBER_PATTERN.test(trimmed)) return refuse(`“${trimmed}” is not a number.`);
  const value = Number(trimmed.replace(",", "."));
  if (wire.kind === "integer") {
    if (!Number.isInteger(value)) return refuse(`${parameter.name} takes whole numbers (${wire.name}).`);
    if ((wire.min !== undefined && value < wire.min) || (wire.max !== undefined && value > wire.max)) {
      return refuse(`${value} does not fit ${parameter.name} (${wire.name}: ${wire.min} … ${wire.max}).`);
    }
  }
  if (parameter.min !== null && value < parameter.min) {
    return refuse(`${value} is below the minimum of ${parameter.min}.`);
  }
  if (parameter.max !== null && value > parameter.max) {
    return refuse(`${value} is above the maximum of ${parameter.max}.`);
  }
  return { ok: true, value };
}
