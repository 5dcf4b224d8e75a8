/** The Home Assistant device of the controller, from its identity parameters (HA-COMPAT.md §4). */
import type { ParameterReadModel } from "../../../port/index.js";
import { discoveryId } from "../topics.js";

/** Parameters the device block is built from: name/model, software, hardware, serial number. */
export const DEVICE_INDICES = { name: 374, software: 0, hardware: 1, serial: 9 } as const;

const FALLBACK_MODEL = "GM3 controller";
export const MANUFACTURER = "Plum";
export const ORIGIN = { name: "econet-gm3-gateway" } as const;

export interface DeviceInfo {
  identifiers: string[];
  name: string;
  manufacturer: string;
  model: string;
  sw_version?: string;
  hw_version?: string;
  serial_number?: string;
}

export function deviceIdentifier(uid: string): string {
  return `econet_gm3_${discoveryId(uid)}`;
}

export function deviceInfo(store: ParameterReadModel, uid: string): DeviceInfo {
  const text = (index: number) => {
    const value = store.get(index)?.value;
    const shown = value === undefined ? "" : String(value).trim();
    return shown === "" ? undefined : shown;
  };
  const model = text(DEVICE_INDICES.name) ?? FALLBACK_MODEL;
  const device: DeviceInfo = {
    identifiers: [deviceIdentifier(uid)],
    name: model,
    manufacturer: MANUFACTURER,
    model,
  };
  const software = text(DEVICE_INDICES.software);
  const hardware = text(DEVICE_INDICES.hardware);
  const serial = text(DEVICE_INDICES.serial);
  if (software) device.sw_version = software;
  if (hardware) device.hw_version = hardware;
  if (serial) device.serial_number = serial;
  return device;
}
