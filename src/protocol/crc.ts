/**
 * CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection, no final XOR
 * (PROTOCOL.md §3). Check value: "123456789" → 0x31C3.
 */

const table = buildTable();

function buildTable(): Uint16Array {
  const result = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    result[byte] = crc;
  }
  return result;
}

/** CRC over `bytes[start, end)`. */
export function crc16Xmodem(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) & 0xffff) ^ table[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  }
  return crc;
}
