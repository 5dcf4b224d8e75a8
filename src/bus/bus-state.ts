/**
 * The bus's two state machines, with every allowed transition in one table:
 *
 * - the **token**: `released` (nothing to send, or not ours) → `waiting` (work queued, no grant
 *   yet) → `held` (the panel granted it: we may transmit) → `returning` (the token-return frame is
 *   on its way) → `released` again;
 * - the **wire**, one exchange at a time: `free` → `turnaround` (the RS-485 quiet time before a
 *   transmission) → `transmitting` → `awaiting-reply` → `free`, or → `backoff` before a retry.
 *
 * They are separate because they change independently: a token is held across many exchanges, and
 * without a required token (a listen-only or test bus) exchanges run with no token at all. A move
 * the table does not allow is a bug: the machine still makes it (the bus must go on) and reports
 * it, so a test or the log shows it.
 */

export type TokenState = "released" | "waiting" | "held" | "returning";
export type WireState = "free" | "turnaround" | "transmitting" | "awaiting-reply" | "backoff";

export const BUS_TRANSITIONS: {
  token: Record<TokenState, readonly TokenState[]>;
  wire: Record<WireState, readonly WireState[]>;
} = {
  token: {
    // A grant may come with nothing queued; work may be queued while nothing is granted.
    released: ["waiting", "held"],
    // Granted; or the queued work went away (withdrawn, expired, sent without a token, link down).
    waiting: ["held", "released"],
    // Given back (or lost with the link).
    held: ["returning", "released"],
    // Returned, with work left (waiting) or none; a grant arriving meanwhile makes it ours again.
    returning: ["released", "waiting", "held"],
  },
  wire: {
    free: ["turnaround"],
    // Transmit; or abandon before anything went out (deadline, veto, link down, shutdown).
    turnaround: ["transmitting", "free"],
    // A request waits for its reply; a token return (or a write error, or a reply so fast it came
    // while writing) frees the wire at once, and a corrupt reply that fast means a retry.
    transmitting: ["awaiting-reply", "free", "backoff"],
    "awaiting-reply": ["free", "backoff"],
    backoff: ["transmitting", "free"],
  },
};

export type BusMachine = keyof typeof BUS_TRANSITIONS;

export interface BusStateChange {
  machine: BusMachine;
  from: string;
  to: string;
  /** Why, in a few words (for the debug log). */
  why: string;
  /** False when the table does not allow the move (a bug, reported; the move is made anyway). */
  allowed: boolean;
}

/** Whether the table allows `machine` to go from `from` to `to` (staying put is always allowed). */
export function transitionAllowed(machine: BusMachine, from: string, to: string): boolean {
  if (from === to) return true;
  const table = BUS_TRANSITIONS[machine] as Record<string, readonly string[]>;
  return table[from]?.includes(to) ?? false;
}

/** The current token and wire states; every change goes through `move` and reaches `onChange`. */
export class BusStateMachine {
  private tokenState: TokenState = "released";
  private wireState: WireState = "free";

  constructor(private readonly onChange: (change: BusStateChange) => void) {}

  get token(): TokenState {
    return this.tokenState;
  }

  get wire(): WireState {
    return this.wireState;
  }

  moveToken(to: TokenState, why: string): void {
    const from = this.tokenState;
    if (from === to) return;
    this.tokenState = to;
    this.onChange({ machine: "token", from, to, why, allowed: transitionAllowed("token", from, to) });
  }

  moveWire(to: WireState, why: string): void {
    const from = this.wireState;
    if (from === to) return;
    this.wireState = to;
    this.onChange({ machine: "wire", from, to, why, allowed: transitionAllowed("wire", from, to) });
  }
}
