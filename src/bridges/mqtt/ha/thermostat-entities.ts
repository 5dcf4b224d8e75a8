/**
 * The virtual room thermostat's Home Assistant entities (issue 16): the room temperature the bus
 * is told (with where it comes from as attributes), a problem sensor "Room temperature stale" so a
 * broken feed is never silent, the pairing state, and a "Pair thermostat" button. They belong to
 * the controller's device and go unavailable with it.
 */
import { discoveryTopic } from "../topics.js";
import { deviceIdentifier, ORIGIN } from "./device.js";
import type { DiscoveredEntity, EntityContext } from "./entity.js";

/** Topics of the thermostat under the base topic. */
export interface ThermostatTopics {
  /** Retained JSON: the status of GET /api/thermostat/status. */
  state: string;
  /** Retained `ON`/`OFF`: the room temperature is stale. */
  stale: string;
  /** Command: a room temperature (a number, or `{"temperature": …, "humidity": …}`). */
  temperatureSet: string;
  /** Command: open the 60 s pairing window (any non-empty payload). */
  pairSet: string;
}

export const THERMOSTAT_LEVEL = "thermostat";
export const STALE_ON = "ON";
export const STALE_OFF = "OFF";
export const PAIR_PRESS = "PAIR";

export function thermostatTopics(base: string): ThermostatTopics {
  const root = `${base}/${THERMOSTAT_LEVEL}`;
  return {
    state: root,
    stale: `${root}/stale`,
    temperatureSet: `${root}/temperature/set`,
    pairSet: `${root}/pair/set`,
  };
}

export function thermostatEntities(context: EntityContext, topics: ThermostatTopics): DiscoveredEntity[] {
  const { topics: bridge } = context;
  const id = deviceIdentifier(context.uid);
  const common = { availability_topic: bridge.availability, device: context.device, origin: ORIGIN };
  return [
    {
      component: "sensor",
      topic: discoveryTopic(bridge, "sensor", "thermostat_temperature"),
      config: {
        name: "Thermostat room temperature",
        unique_id: `${id}_thermostat_temperature`,
        state_topic: topics.state,
        value_template: "{{ value_json.effective_temperature }}",
        unit_of_measurement: "°C",
        device_class: "temperature",
        state_class: "measurement",
        json_attributes_topic: topics.state,
        json_attributes_template:
          "{{ {'source': value_json.effective_source, 'stale': value_json.is_stale, " +
          "'received_temperature': value_json.temperature, 'humidity': value_json.humidity, " +
          "'age_seconds': value_json.age_seconds, 'max_age_seconds': value_json.max_age_seconds} | tojson }}",
        ...common,
      },
    },
    {
      component: "binary_sensor",
      topic: discoveryTopic(bridge, "binary_sensor", "thermostat_stale"),
      config: {
        name: "Room temperature stale",
        unique_id: `${id}_thermostat_stale`,
        state_topic: topics.stale,
        payload_on: STALE_ON,
        payload_off: STALE_OFF,
        device_class: "problem",
        ...common,
      },
    },
    {
      component: "sensor",
      topic: discoveryTopic(bridge, "sensor", "thermostat_pairing"),
      config: {
        name: "Thermostat pairing",
        unique_id: `${id}_thermostat_pairing`,
        state_topic: topics.state,
        value_template: "{{ value_json.pairing_state }}",
        json_attributes_topic: topics.state,
        json_attributes_template:
          "{{ {'bus_address': value_json.bus_address, 'window_seconds': value_json.pairing_window_seconds} | tojson }}",
        entity_category: "diagnostic",
        ...common,
      },
    },
    {
      component: "button",
      topic: discoveryTopic(bridge, "button", "thermostat_pair"),
      config: {
        name: "Pair thermostat",
        unique_id: `${id}_thermostat_pair`,
        command_topic: topics.pairSet,
        payload_press: PAIR_PRESS,
        entity_category: "config",
        ...common,
      },
    },
  ];
}
