/**
 * The simulated ecoSTER room thermostat (address 165): the 35-parameter table and identity of
 * PROTOCOL.md §17.2–§17.3 (`src/protocol/ecoster.ts`), answering per §17.4:
 * IDENTIFY → 0x89 identity; 0x02 → 0x82 batches of ≤ 240 payload bytes (14/16/5 entries);
 * 0x40 → 0xC0 values with flag bytes; 0x29 → store (if the index is known and the value has its
 * type's size) and answer 0xA9 0x00; NO_DATA when nothing is in range; anything else unanswered.
 */
import {
  Command,
  decodeModifyRequest,
  decodeValue,
  ECOSTER_PARAMETERS,
  encodeIdentity,
  encodeModifyResponse,
  type FramedFrame,
  MODIFY_RESULT_OK,
  type ParameterValue,
  THERMOSTAT_IDENTITY,
  TYPE_BYTE_WRITABLE,
  TYPE_INFO,
  type TypeCode,
} from "../protocol/index.js";
import { type DeviceContext, SimDevice } from "./device.js";
import { ParameterSpace, type ResponseCap } from "./parameter-space.js";
import type { SimParameter } from "./profile/format.js";

/** Wire indices of the thermostat's table that the simulation uses. */
export const ThermostatIndex = {
  ROOM_TEMPERATURE: 0,
  WORK_MODE: 1,
  PRESET_NOW: 3,
  DAY_PRESET: 4,
  NIGHT_PRESET: 5,
  HYSTERESIS: 6,
  RUN_SECONDS: 30,
} as const;

export interface ThermostatOptions {
  address: number;
  replyLatencyMs: number;
  /** PROTOCOL.md §17.4: ≤ 240-byte payloads (all 35 in one response broke the panel's polling). */
  descriptorCap: ResponseCap;
  valueCap: ResponseCap;
  /** Initial room temperature (°C). */
  roomTemperature: number;
}

function tableParameters(roomTemperature: number): SimParameter[] {
  return ECOSTER_PARAMETERS.map((p) => ({
    name: p.name,
    unit: p.unit,
    // The emulator's descriptors carry no 0x10 bit; the panel accepts that (§8.1).
    typeByte: p.type | (p.writable ? TYPE_BYTE_WRITABLE : 0),
    typeCode: p.type,
    writable: p.writable,
    min: { kind: "literal", value: p.min },
    max: { kind: "literal", value: p.max },
    nonvolatile: false,
    value:
      p.index === ThermostatIndex.ROOM_TEMPERATURE || p.index === ThermostatIndex.PRESET_NOW
        ? roomTemperature
        : p.value,
  }));
}

export class SimThermostat extends SimDevice {
  readonly space: ParameterSpace;

  constructor(
    context: DeviceContext,
    private readonly options: ThermostatOptions,
  ) {
    super("thermostat", options.address, context, options.replyLatencyMs);
    this.space = new ParameterSpace("thermostat", tableParameters(options.roomTemperature), {
      flags: ECOSTER_PARAMETERS.map((p) => p.flag),
      // §17.3: descriptors use extra byte 0x00 and literal limits.
      extras: ECOSTER_PARAMETERS.map(() => 0),
    });
  }

  /** Parameters in the thermostat table (35). */
  get parameterCount(): number {
    return this.space.count;
  }

  getValue(index: number): ParameterValue {
    return this.space.getValue(index);
  }

  setValue(index: number, value: ParameterValue): void {
    this.space.setValue(index, value);
  }

  /** The room temperature it measures (parameter 0, mirrored in 3). */
  get roomTemperature(): number {
    return this.space.getValue(ThermostatIndex.ROOM_TEMPERATURE) as number;
  }

  set roomTemperature(celsius: number) {
    this.space.setValue(ThermostatIndex.ROOM_TEMPERATURE, celsius);
    this.space.setValue(ThermostatIndex.PRESET_NOW, celsius);
  }

  protected onFrame(frame: FramedFrame): void {
    if (frame.destination !== this.address) return;
    this.count(frame);
    switch (frame.command) {
      case Command.IDENTIFY:
        this.reply(frame, Command.IDENTIFY_RESPONSE, encodeIdentity(THERMOSTAT_IDENTITY));
        return;
      case Command.GET_PARAMS_STRUCT_WITH_RANGE:
      case Command.GET_PARAMS:
        this.serveRange(frame, this.space, {
          withRange: true,
          valueCap: this.options.valueCap,
          descriptorCap: this.options.descriptorCap,
          malformed: "ignore",
        });
        return;
      case Command.MODIFY_PARAM:
        this.serveWrite(frame);
        return;
      default:
        return; // including GET_PARAMS_STRUCT (0x01): a thermostat does not answer it
    }
  }

  private serveWrite(frame: FramedFrame): void {
    const decoded = decodeModifyRequest(frame.payload);
    if (!decoded.ok) return;
    const { index, valueBytes } = decoded.value;
    const table = ECOSTER_PARAMETERS[index];
    if (table) {
      const size = TYPE_INFO[table.type as TypeCode].size;
      const fits =
        size === undefined ? valueBytes.indexOf(0) === valueBytes.length - 1 : valueBytes.length === size;
      if (fits) {
        // The emulator stores what it is sent (no range check) and echoes it back.
        const value = decodeValue(table.type, valueBytes);
        if (value.ok) {
          this.space.setValue(index, value.value);
          if (table.writtenFlag !== undefined) this.space.setFlag(index, table.writtenFlag);
        }
      }
    }
    this.reply(frame, Command.MODIFY_PARAM_RESPONSE, encodeModifyResponse(MODIFY_RESULT_OK));
  }
}
