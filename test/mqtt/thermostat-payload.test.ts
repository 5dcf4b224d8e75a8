/**
 * The thermostat's MQTT payloads and entities without a broker: what counts as a room temperature
 * on the command topic and on THERMOSTAT_MQTT_TOPIC, the state and stale payloads, and the Home
 * Assistant configs (unique ids, topics, the problem class), which must stay stable.
 */
import { describe, expect, it } from "vitest";
import { thermostatEntities, thermostatTopics } from "../../src/bridges/mqtt/ha/thermostat-entities.js";
import { parseRoomTemperature, stalePayload } from "../../src/bridges/mqtt/thermostat-payload.js";
import { bridgeTopics } from "../../src/bridges/mqtt/topics.js";
import { VirtualClock } from "../../src/sim/index.js";
import { VirtualThermostat } from "../../src/thermostat/virtual-thermostat.js";
import { gatewayClockOn } from "../helpers/gateway-clock.js";

const parse = (text: string, json = true) => parseRoomTemperature(Buffer.from(text), { json });

describe("room temperatures over MQTT", () => {
  it("takes a plain number, with or without spaces, sign or exponent", () => {
    expect(parse("21.5")).toEqual({ ok: true, temperature: 21.5 });
    expect(parse(" -3 \n")).toEqual({ ok: true, temperature: -3 });
    expect(parse("2.15e1", false)).toEqual({ ok: true, temperature: 21.5 });
    expect(parse(".5", false)).toEqual({ ok: true, temperature: 0.5 });
  });

  it("takes JSON with a temperature and an optional humidity on the command topic only", () => {
    expect(parse('{"temperature": 22.25, "humidity": 48}')).toEqual({
      ok: true,
      temperature: 22.25,
      humidity: 48,
    });
    expect(parse('{"temperature": 22}')).toEqual({ ok: true, temperature: 22 });
    expect(parse('{"temperature": 22}', false)).toMatchObject({ ok: false, reason: /send a number/ });
  });

  it("refuses text, NaN, Infinity, an overflowing number and JSON without a numeric temperature, saying why", () => {
    for (const text of ["unavailable", "NaN", "Infinity", "-Infinity", "0x15", "21,5", "", "true"]) {
      expect(parse(text), text).toMatchObject({ ok: false, reason: /is not a room temperature/ });
    }
    expect(parse("1e400")).toMatchObject({ ok: false, reason: /not a finite number/ });
    expect(parse("{oops")).toMatchObject({ ok: false, reason: /not valid JSON/ });
    expect(parse('{"temperature": "21"}')).toMatchObject({ ok: false, reason: /temperature is missing/ });
    expect(parse('{"temperature": 21, "humidity": "high"}')).toMatchObject({ ok: false, reason: /humidity/ });
    expect(parse("[21]")).toMatchObject({ ok: false });
  });

  it("says ON while the thermostat's temperature is stale and OFF while it is current", async () => {
    const sim = new VirtualClock();
    const thermostat = await VirtualThermostat.open({
      clock: gatewayClockOn(sim),
      enabled: true,
      maxAgeMs: 300_000,
    });
    expect(stalePayload(thermostat.status())).toBe("ON");
    thermostat.acceptTemperature(21);
    expect(stalePayload(thermostat.status())).toBe("OFF");
    sim.advance(300_001);
    expect(stalePayload(thermostat.status())).toBe("ON");
    thermostat.close();
  });
});

describe("the thermostat's Home Assistant entities", () => {
  const uid = "2L7SDPN6KQ38CIH2401K01U";
  const topics = bridgeTopics({ baseTemplate: "econet-gm3/{uid}", discoveryPrefix: "homeassistant", uid });
  const device = { identifiers: [`econet_gm3_${uid}`], name: "ecoMAX360i", manufacturer: "Plum", model: "x" };
  const entities = thermostatEntities({ topics, device, uid }, thermostatTopics(topics.base));

  it("are a temperature sensor, a stale problem sensor, the pairing state and the pair button, with stable ids", () => {
    expect(entities.map((e) => [e.component, e.topic, e.config.unique_id])).toEqual([
      [
        "sensor",
        `homeassistant/sensor/econet_gm3_${uid}/thermostat_temperature/config`,
        `econet_gm3_${uid}_thermostat_temperature`,
      ],
      [
        "binary_sensor",
        `homeassistant/binary_sensor/econet_gm3_${uid}/thermostat_stale/config`,
        `econet_gm3_${uid}_thermostat_stale`,
      ],
      [
        "sensor",
        `homeassistant/sensor/econet_gm3_${uid}/thermostat_pairing/config`,
        `econet_gm3_${uid}_thermostat_pairing`,
      ],
      [
        "button",
        `homeassistant/button/econet_gm3_${uid}/thermostat_pair/config`,
        `econet_gm3_${uid}_thermostat_pair`,
      ],
    ]);
  });

  it("use only keys Home Assistant's platforms accept, the controller's device and availability", () => {
    const allowed: Record<string, string[]> = {
      sensor: [
        "value_template",
        "unit_of_measurement",
        "device_class",
        "state_class",
        "state_topic",
        "json_attributes_topic",
        "json_attributes_template",
        "entity_category",
      ],
      binary_sensor: ["state_topic", "payload_on", "payload_off", "device_class"],
      button: ["command_topic", "payload_press", "entity_category"],
    };
    const common = ["name", "unique_id", "availability_topic", "device", "origin"];
    for (const entity of entities) {
      for (const key of Object.keys(entity.config))
        expect([...common, ...allowed[entity.component]!], `${entity.topic}: ${key}`).toContain(key);
      expect(entity.config.device).toBe(device);
      expect(entity.config.availability_topic).toBe(`econet-gm3/${uid}/availability`);
    }
    // Home Assistant refuses `config` on read-only platforms.
    for (const entity of entities.filter((e) => e.component !== "button"))
      expect(entity.config.entity_category ?? "diagnostic").toBe("diagnostic");
    expect(entities[1]!.config).toMatchObject({
      device_class: "problem",
      payload_on: "ON",
      payload_off: "OFF",
    });
  });
});
