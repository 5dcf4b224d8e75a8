import { describe, expect, it } from "vitest";
import { tokenText } from "../../web/src/format.js";

describe("tokenText (the status page's Token line)", () => {
  it("says the token is with the panel when the gateway neither holds nor waits for it", () => {
    const bus = { token_required: true, holding_token: false, waiting_for_token_since: null };
    expect(tokenText(bus)).toBe("with the panel");
    expect(tokenText({ ...bus, waiting_for_token_since: "2026-11-28T03:00:00Z" })).toBe(
      "with the panel; the gateway is waiting for it",
    );
    expect(tokenText({ ...bus, holding_token: true })).toBe("held by the gateway");
    expect(tokenText({ ...bus, token_required: false })).toBe("not used");
  });
});
