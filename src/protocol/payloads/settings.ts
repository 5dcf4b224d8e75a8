/**
 * GET_SETTINGS (0x00, empty, to broadcast) and its claimed answer 0x80 (PROTOCOL.md §5.1):
 * `uid u32 LE, device_name\0, software_version\0, product_id u16 LE, device_type u8`.
 * Unverified on hardware and not needed by the gateway; kept for completeness and the simulator.
 */
import type { Result } from "../result.js";
import { decodeWith, type PayloadError, PayloadReader, PayloadWriter } from "./reader.js";

export interface DeviceSettings {
  uid: number;
  deviceName: string;
  softwareVersion: string;
  productId: number;
  deviceType: number;
}

export function encodeSettingsResponse(settings: DeviceSettings): Buffer {
  const uid = Buffer.alloc(4);
  uid.writeUInt32LE(settings.uid);
  return new PayloadWriter()
    .bytes(uid)
    .cstring(settings.deviceName)
    .cstring(settings.softwareVersion)
    .u16(settings.productId)
    .u8(settings.deviceType)
    .build();
}

export function decodeSettingsResponse(payload: Buffer): Result<DeviceSettings, PayloadError> {
  return decodeWith(() => {
    const reader = new PayloadReader(payload, "GET_SETTINGS response");
    const uid = reader.u32("uid");
    const deviceName = reader.cstring("device name");
    const softwareVersion = reader.cstring("software version");
    const productId = reader.u16("product id");
    const deviceType = reader.u8("device type");
    reader.end();
    return { uid, deviceName, softwareVersion, productId, deviceType };
  });
}
