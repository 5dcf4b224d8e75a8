/**
 * The gateway's own bus address (PROTOCOL.md §13): a configured one, a persisted one, or one
 * claimed from the panel's scan — only in 105–130, only after a device table showed which
 * addresses are taken, confirmed by the next token grant and then persisted; a claim not
 * confirmed within 20 s is dropped.
 */
import { EventEmitter } from "node:events";
import { GATEWAY_ADDRESS_RANGE } from "../protocol/index.js";
import { type Clock, type ClockTimer, systemClock } from "../util/clock.js";

export type AddressState = "unassigned" | "tentative" | "paired" | "fixed";

export interface AddressEvents {
  change: [info: { address: number | undefined; state: AddressState; previous: number | undefined }];
}

export interface AddressManagerOptions {
  /** A configured address, or undefined for auto-claim. */
  fixedAddress?: number;
  tentativeTimeoutMs: number;
  /** Stores a confirmed address. */
  persist(address: number): Promise<void>;
  range?: { first: number; last: number };
  /** Times the tentative claim (default: the system clock). */
  clock?: Clock;
}

export class AddressManager extends EventEmitter<AddressEvents> {
  private _address: number | undefined;
  private _state: AddressState;
  private occupied: ReadonlySet<number> | undefined;
  private revertTimer: ClockTimer | undefined;
  private readonly clock: Clock;
  private readonly range: { first: number; last: number };

  constructor(private readonly options: AddressManagerOptions) {
    super();
    this.range = options.range ?? GATEWAY_ADDRESS_RANGE;
    this.clock = options.clock ?? systemClock;
    if (options.fixedAddress !== undefined) {
      this._address = options.fixedAddress;
      this._state = "fixed";
    } else {
      this._state = "unassigned";
    }
  }

  get address(): number | undefined {
    return this._address;
  }

  get state(): AddressState {
    return this._state;
  }

  /** True once a device table has been seen (a claim is possible). */
  get knowsOccupiedAddresses(): boolean {
    return this.occupied !== undefined;
  }

  /** Records the addresses listed in a 0x2001 device table. */
  onDeviceTable(addresses: Iterable<number>): void {
    this.occupied = new Set(addresses);
  }

  /**
   * The panel probes `destination`: returns true when we (now) answer to it — it is our address,
   * or we just claimed it.
   */
  onProbe(destination: number): boolean {
    if (this._address === destination) return true;
    if (this._state !== "unassigned" || !this.occupied) return false;
    if (destination < this.range.first || destination > this.range.last) return false;
    if (this.occupied.has(destination)) return false;
    this.set(destination, "tentative");
    this.revertTimer = this.clock.setTimeout(() => {
      this.revertTimer = undefined;
      if (this._state === "tentative") this.set(undefined, "unassigned");
    }, this.options.tentativeTimeoutMs);
    return true;
  }

  /** The panel granted us the token: a tentative claim becomes ours. */
  async onTokenGrant(): Promise<void> {
    if (this._state !== "tentative" || this._address === undefined) return;
    this.clearTimer();
    const address = this._address;
    this.set(address, "paired");
    await this.options.persist(address);
  }

  /** Adopts an address persisted by an earlier run (paired at once). Ignored for a fixed address. */
  restore(address: number): void {
    if (this._state === "fixed") return;
    this.clearTimer();
    this.set(address, "paired");
  }

  /** Forgets an auto-claimed address (re-pairing). A fixed address stays. */
  forget(): void {
    if (this._state === "fixed") return;
    this.clearTimer();
    this.set(undefined, "unassigned");
  }

  dispose(): void {
    this.clearTimer();
  }

  private clearTimer(): void {
    this.clock.clearTimeout(this.revertTimer);
    this.revertTimer = undefined;
  }

  private set(address: number | undefined, state: AddressState): void {
    const previous = this._address;
    this._address = address;
    this._state = state;
    this.emit("change", { address, state, previous });
  }
}
