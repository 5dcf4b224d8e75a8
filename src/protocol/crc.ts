/**
 * CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection, no final XOR
 * (PROTOCOL.md §3). Check value: "123456789" → 0x31C3.
 */

/** CRC register after one byte `x` fed into a zero register. */
const byteTable = buildByteTable();
/**
 * The register is exactly 16 bits wide, so two bytes at once are a lookup of (register ^ next 16
 * bits): half the iterations of the byte table, for 128 KiB (the framer checks every frame).
 */
const wordTable = buildWordTable();

function buildByteTable(): Uint16Array {
  const result = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    result[byte] = crc;
  }
  return result;
}

function buildWordTable(): Uint16Array {
  const result = new Uint16Array(0x10000);
  for (let word = 0; word < 0x10000; word++) {
    const afterHigh = byteTable[word >> 8]!;
    result[word] = ((afterHigh << 8) & 0xffff) ^ byteTable[(afterHigh >> 8) ^ (word & 0xff)]!;
  }
  return result;
}

/** CRC over `bytes[start, end)`. */
export function crc16Xmodem(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  let i = start;
  for (; i + 1 < end; i += 2) crc = wordTable[crc ^ ((bytes[i]! << 8) | bytes[i + 1]!)]!;
  if (i < end) crc = ((crc << 8) & 0xffff) ^ byteTable[(crc >> 8) ^ bytes[i]!]!;
  return crc;
}
