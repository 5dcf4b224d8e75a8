import { describe, expect, it } from "vitest";
import { planBatches } from "../../src/gateway/poller.js";
import { makeDescriptor } from "../../src/protocol/index.js";
import { definitionFromDescriptor } from "../../src/store/definition.js";

const d = (wireIndex: number, typeByte = 0x14) => {
  const descriptor = makeDescriptor({ name: `p${wireIndex}`, unit: "", typeByte: 0x14 });
  return { ...definitionFromDescriptor("regulator", wireIndex, descriptor), type: typeByte & 0x0f };
};

describe("planBatches", () => {
  it("splits contiguous indices into runs of at most the batch size", () => {
    const defs = Array.from({ length: 250 }, (_, i) => d(i));
    expect(planBatches(defs, 100)).toEqual([
      { first: 0, count: 100 },
      { first: 100, count: 100 },
      { first: 200, count: 50 },
    ]);
  });

  it("breaks at gaps and skips indices whose type cannot be parsed", () => {
    const defs = [d(0), d(1), d(2, 0x10), d(3), d(5), d(6)];
    expect(planBatches(defs, 100)).toEqual([
      { first: 0, count: 2 },
      { first: 3, count: 1 },
      { first: 5, count: 2 },
    ]);
  });
});
