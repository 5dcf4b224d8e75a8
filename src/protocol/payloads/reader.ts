/** Bounds-checked cursor over a payload; decoders turn its errors into typed results. */

export class PayloadError extends Error {
  override readonly name = "PayloadError";
  constructor(
    message: string,
    /** The payload being decoded, for logs. */
    readonly payload?: Buffer,
  ) {
    super(message);
  }
}

export class PayloadReader {
  offset = 0;

  constructor(
    readonly bytes: Buffer,
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(count: number, field: string): void {
    if (this.offset + count > this.bytes.length) {
      throw new PayloadError(
        `${this.what}: ${field} at offset ${this.offset} needs ${count} byte(s), ${this.remaining} left`,
        this.bytes,
      );
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.offset++]!;
  }

  i8(field: string): number {
    this.need(1, field);
    return this.bytes.readInt8(this.offset++);
  }

  u16(field: string): number {
    this.need(2, field);
    const value = this.bytes.readUInt16LE(this.offset);
    this.offset += 2;
    return value;
  }

  i16(field: string): number {
    this.need(2, field);
    const value = this.bytes.readInt16LE(this.offset);
    this.offset += 2;
    return value;
  }

  f32(field: string): number {
    this.need(4, field);
    const value = this.bytes.readFloatLE(this.offset);
    this.offset += 4;
    return value;
  }

  u32(field: string): number {
    this.need(4, field);
    const value = this.bytes.readUInt32LE(this.offset);
    this.offset += 4;
    return value;
  }

  /** A NUL-terminated string, decoded as UTF-8 with replacement. */
  cstring(field: string): string {
    const nul = this.bytes.indexOf(0, this.offset);
    if (nul === -1) {
      throw new PayloadError(
        `${this.what}: ${field} at offset ${this.offset} has no terminating NUL`,
        this.bytes,
      );
    }
    const text = this.bytes.toString("utf8", this.offset, nul);
    this.offset = nul + 1;
    return text;
  }

  take(count: number, field: string): Buffer {
    this.need(count, field);
    const slice = this.bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return slice;
  }

  rest(): Buffer {
    const slice = this.bytes.subarray(this.offset);
    this.offset = this.bytes.length;
    return slice;
  }

  /** Fails unless every byte was consumed. */
  end(): void {
    if (this.remaining !== 0) {
      throw new PayloadError(
        `${this.what}: ${this.remaining} unexpected trailing byte(s) at offset ${this.offset}`,
        this.bytes,
      );
    }
  }
}

/** Runs a decoder body, turning a PayloadError into a typed error result. */
export function decodeWith<T>(body: () => T): import("../result.js").Result<T, PayloadError> {
  try {
    return { ok: true, value: body() };
  } catch (error) {
    if (error instanceof PayloadError) return { ok: false, error };
    throw error;
  }
}

/** Growable byte builder for encoders. */
export class PayloadWriter {
  private readonly parts: Buffer[] = [];

  u8(value: number): this {
    this.parts.push(Buffer.from([checkUint(value, 0xff, "u8")]));
    return this;
  }

  i8(value: number): this {
    const b = Buffer.alloc(1);
    b.writeInt8(value);
    this.parts.push(b);
    return this;
  }

  u16(value: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(checkUint(value, 0xffff, "u16"));
    this.parts.push(b);
    return this;
  }

  i16(value: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16LE(value);
    this.parts.push(b);
    return this;
  }

  f32(value: number): this {
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.parts.push(b);
    return this;
  }

  cstring(text: string): this {
    if (text.includes("\0")) throw new RangeError("a protocol string cannot contain NUL");
    this.parts.push(Buffer.from(text, "utf8"), Buffer.from([0]));
    return this;
  }

  bytes(bytes: Uint8Array): this {
    this.parts.push(Buffer.from(bytes));
    return this;
  }

  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function checkUint(value: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${value} is not a ${what}`);
  return value;
}
