/** MQTT topic and publish-selection kinds. */
import { fail, ok, quote, type SettingKind, scalarText, yamlString } from "./kind.js";
import { integerOf } from "./numbers.js";
import { textKind } from "./text.js";

/** Placeholder replaced by the controller's UID (parameter 10). */
export const UID_PLACEHOLDER = "{uid}";

/** What is wrong with a topic (no wildcards, no empty levels, only the placeholders allowed). */
function topicProblem(text: string, allowUid: boolean): string | undefined {
  if (text === "") return "is empty";
  if (/[+#]/.test(text)) return `${quote(text)} contains an MQTT wildcard (+ or #)`;
  if (text.split("/").some((level) => level === "")) return `${quote(text)} has an empty topic level`;
  const braces = text.replaceAll(allowUid ? UID_PLACEHOLDER : "\u0000", "");
  if (/[{}]/.test(braces))
    return allowUid
      ? `${quote(text)} has an unknown placeholder (only ${UID_PLACEHOLDER} exists)`
      : `${quote(text)} may not contain { or }`;
  return undefined;
}

/** A topic prefix: no wildcards, no empty levels, no leading/trailing slash. */
export function topicKind(options: { allowUid: boolean }): SettingKind<string> {
  const placeholder = options.allowUid ? `; ${UID_PLACEHOLDER} is replaced by the controller's UID` : "";
  return textKind({
    allowed: `topic levels separated by /, without + or #${placeholder}`,
    check: (text) => topicProblem(text, options.allowUid),
  });
}

/** One topic to subscribe to, or empty for none: no wildcards (one topic, one value). */
export const optionalTopicKind: SettingKind<string> = textKind({
  allowed: "empty (none), or one topic: levels separated by /, without + or #",
  check: (text) => (text === "" ? undefined : topicProblem(text, false)),
});

/** Which parameters are published on MQTT. */
export type MqttPublishSelection =
  | { mode: "default" }
  | { mode: "all" }
  | { mode: "list"; names: readonly string[]; indices: readonly number[] };

const MAX_INDEX = 0xffff;
const NAME_TEXT = /^\S+$/;

export const mqttPublishKind: SettingKind<MqttPublishSelection> = {
  allowed:
    "default (the parameters Home Assistant uses), all, or a comma list of parameter names and indices " +
    "(give names containing a comma by index)",
  parse(raw) {
    const text = scalarText(raw);
    const mode = text?.toLowerCase();
    if (mode === "default" || mode === "all") return ok({ mode });
    const items = Array.isArray(raw) ? raw : text?.split(",");
    if (items === undefined || typeof raw === "boolean") return fail(`${quote(raw)} is not a selection`);
    const names: string[] = [];
    const indices: number[] = [];
    for (const item of items) {
      const index = integerOf(item);
      const word = typeof item === "string" ? item.trim() : undefined;
      if (word === "") continue;
      if (index !== undefined && index >= 0 && index <= MAX_INDEX) indices.push(index);
      else if (word !== undefined && NAME_TEXT.test(word)) names.push(word);
      else return fail(`${quote(item)} is not a parameter name or index`);
    }
    if (names.length + indices.length === 0) return fail("lists no parameters");
    return ok({ mode: "list", names, indices });
  },
  format(value) {
    return value.mode === "list" ? [...value.names, ...value.indices].join(",") : value.mode;
  },
  toYaml(value) {
    return yamlString(mqttPublishKind.format(value));
  },
};
