/**
 * Home Assistant's rules for MQTT `climate` and `water_heater` discovery configs, written from its
 * MQTT HVAC and MQTT water heater documentation (home-assistant.io/integrations/climate.mqtt,
 * /integrations/water_heater.mqtt): the keys each platform accepts, the mode names it knows,
 * presets that may not include `none`, temperature ranges and steps, topics without wildcards,
 * and every state topic paired with a template where the payload is JSON. Returns the problems found.
 */

const COMMON = [
  "name",
  "unique_id",
  "availability_topic",
  "device",
  "origin",
  "object_id",
  "default_entity_id",
  "icon",
  "optimistic",
  "qos",
  "retain",
  "json_attributes_topic",
  "json_attributes_template",
  "payload_available",
  "payload_not_available",
  "entity_category",
  "enabled_by_default",
];
const TEMPERATURE = [
  "current_temperature_topic",
  "current_temperature_template",
  "temperature_command_topic",
  "temperature_command_template",
  "temperature_state_topic",
  "temperature_state_template",
  "min_temp",
  "max_temp",
  "precision",
  "temperature_unit",
  "initial",
  "mode_command_topic",
  "mode_command_template",
  "mode_state_topic",
  "mode_state_template",
  "modes",
  "power_command_topic",
  "power_command_template",
  "payload_on",
  "payload_off",
  "value_template",
];

export const CLIMATE_KEYS = new Set([
  ...COMMON,
  ...TEMPERATURE,
  "action_topic",
  "action_template",
  "preset_modes",
  "preset_mode_command_topic",
  "preset_mode_command_template",
  "preset_mode_state_topic",
  "preset_mode_value_template",
  "temp_step",
  "fan_modes",
  "swing_modes",
  "target_humidity_command_topic",
  "temperature_high_command_topic",
  "temperature_low_command_topic",
]);
export const WATER_HEATER_KEYS = new Set([...COMMON, ...TEMPERATURE]);

export const CLIMATE_MODES = ["auto", "off", "cool", "heat", "dry", "fan_only", "heat_cool"];
export const WATER_HEATER_MODES = [
  "off",
  "eco",
  "electric",
  "gas",
  "heat_pump",
  "high_demand",
  "performance",
];
export const CLIMATE_ACTIONS = [
  "off",
  "heating",
  "cooling",
  "drying",
  "idle",
  "fan",
  "preheating",
  "defrosting",
];
const PRECISIONS = [0.1, 0.5, 1];

/** Pairs of (state topic, template) that must come together (our states are JSON). */
const STATE_PAIRS: Record<string, string> = {
  mode_state_topic: "mode_state_template",
  temperature_state_topic: "temperature_state_template",
  current_temperature_topic: "current_temperature_template",
  action_topic: "action_template",
  preset_mode_state_topic: "preset_mode_value_template",
};

export function nativeRuleProblems(
  component: "climate" | "water_heater",
  config: Record<string, unknown>,
): string[] {
  const out: string[] = [];
  const keys = component === "climate" ? CLIMATE_KEYS : WATER_HEATER_KEYS;
  for (const key of Object.keys(config)) if (!keys.has(key)) out.push(`unknown key ${key}`);
  for (const key of ["name", "unique_id", "availability_topic"]) {
    if (typeof config[key] !== "string" || config[key] === "") out.push(`${key} missing`);
  }
  const device = config.device as { identifiers?: unknown } | undefined;
  if (!device || !Array.isArray(device.identifiers) || device.identifiers.length === 0)
    out.push("device without identifiers");
  for (const [key, value] of Object.entries(config)) {
    if (key.endsWith("_topic") && (typeof value !== "string" || /[+#]/.test(value) || value === "")) {
      out.push(`${key} is not a publishable topic`);
    }
    if (key.endsWith("_template") && typeof value !== "string") out.push(`${key} is not a template`);
  }
  for (const [topic, template] of Object.entries(STATE_PAIRS)) {
    if (config[topic] !== undefined && config[template] === undefined)
      out.push(`${topic} without ${template}`);
  }
  const modes = config.modes;
  const allowedModes = component === "climate" ? CLIMATE_MODES : WATER_HEATER_MODES;
  if (!Array.isArray(modes) || modes.length === 0) out.push("no modes");
  else
    for (const mode of modes) if (!allowedModes.includes(mode)) out.push(`mode ${mode} is not one HA knows`);
  if (component === "climate" && config.preset_modes !== undefined) {
    const presets = config.preset_modes;
    if (!Array.isArray(presets) || presets.includes("none"))
      out.push("preset_modes must be a list without none");
    if (
      config.preset_mode_command_topic === undefined &&
      config.preset_mode_state_topic !== undefined &&
      !config.optimistic
    ) {
      // Allowed (read-only presets), nothing to check.
    }
  }
  const min = config.min_temp;
  const max = config.max_temp;
  if (typeof min !== "number" || typeof max !== "number" || !(min < max))
    out.push(`bad temperature range ${min}..${max}`);
  if (config.temp_step !== undefined && !(typeof config.temp_step === "number" && config.temp_step > 0))
    out.push("bad temp_step");
  if (config.precision !== undefined && !PRECISIONS.includes(config.precision as number))
    out.push("bad precision");
  if (config.temperature_unit !== undefined && !["C", "F"].includes(config.temperature_unit as string))
    out.push("bad temperature_unit");
  return out;
}
