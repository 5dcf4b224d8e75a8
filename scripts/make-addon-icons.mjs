#!/usr/bin/env node
// Draws the add-on's icon.png (128×128) and logo.png (250×100): a flat heat-pump sign (a warm
// disc in a cool square), written as PNG with node:zlib. Usage: node scripts/make-addon-icons.mjs
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
function png(width, height, pixel) {
  const rows = [];
  for (let y = 0; y < height; y++) {
    rows.push(Buffer.from([0]));
    const row = Buffer.alloc(width * 4);
    for (let x = 0; x < width; x++) row.set(pixel(x, y), x * 4);
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
const COOL = [0x1e, 0x6f, 0xb8, 0xff];
const WARM = [0xf2, 0x8c, 0x28, 0xff];
const CLEAR = [0, 0, 0, 0];
function sign(cx, cy, r) {
  return (x, y) => {
    const d = Math.hypot(x - cx, y - cy);
    return d < r * 0.45 ? WARM : d < r ? COOL : null;
  };
}
const dir = "ha-addon/econet-gm3-gateway";
const icon = sign(64, 64, 60);
writeFileSync(
  `${dir}/icon.png`,
  png(128, 128, (x, y) => icon(x, y) ?? CLEAR),
);
const logo = sign(50, 50, 45);
writeFileSync(
  `${dir}/logo.png`,
  png(250, 100, (x, y) => logo(x, y) ?? (x > 110 && x < 240 && y > 40 && y < 60 ? COOL : CLEAR)),
);
