/**
 * Unplugs as the gateway's host sees them: the simulator removes the tty when the link is unplugged
 * and creates it again when it is plugged back (src/sim/pty.ts). For each, when the gateway logged
 * the link up again and when a client first got fresh data read after the link came back: an answer
 * for one parameter with `X-Data-State: fresh` whose `last_read` is after the tty came back (probed
 * every ~250 ms until then).
 */
import { existsSync } from "node:fs";
import { call, dataState } from "./http.js";

export interface Unplug {
  goneAtMs: number;
  backAtMs: number | undefined;
  /** First `link.up` the gateway logged after the tty came back. */
  linkUpAtMs: number | undefined;
  /** First answer with `X-Data-State: fresh` and a value read after the tty came back. */
  freshAtMs: number | undefined;
}

export class UnplugWatch {
  readonly unplugs: Unplug[] = [];
  private readonly linkUps: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private probing = false;

  constructor(
    private readonly ttyPath: string,
    private readonly base: string,
    private readonly probePath: string,
  ) {}

  start(): void {
    let present = existsSync(this.ttyPath);
    this.timer = setInterval(() => {
      const now = existsSync(this.ttyPath);
      if (present && !now) {
        this.unplugs.push({
          goneAtMs: Date.now(),
          backAtMs: undefined,
          linkUpAtMs: undefined,
          freshAtMs: undefined,
        });
      }
      const last = this.unplugs[this.unplugs.length - 1];
      if (!present && now && last) last.backAtMs = Date.now();
      present = now;
      if (last?.backAtMs !== undefined && last.freshAtMs === undefined) void this.probe(last);
    }, 100);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Feeds the gateway's `link.up` log times. */
  linkUp(atMs: number): void {
    this.linkUps.push(atMs);
  }

  /**
   * Matches each unplug with the first `link.up` after the tty went away (the link cannot be up
   * while it is gone; the watcher sees the tty come back up to ~100 ms late, so a link.up can be
   * logged a little before `backAtMs`).
   */
  matchLinkUps(): void {
    for (const u of this.unplugs) u.linkUpAtMs = this.linkUps.find((t) => t > u.goneAtMs);
  }

  private async probe(unplug: Unplug): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      const answer = await call(this.base, this.probePath);
      const { state } = dataState(answer);
      const lastRead = (answer.body as { last_read?: string } | undefined)?.last_read;
      // last_read: the gateway's local time without a zone (the soak runs it with TZ=UTC).
      if (
        answer.status === 200 &&
        state === "fresh" &&
        lastRead !== undefined &&
        Date.parse(`${lastRead}Z`) >= unplug.backAtMs!
      ) {
        unplug.freshAtMs ??= answer.atMs;
      }
    } finally {
      await new Promise((resolve) => setTimeout(resolve, 250));
      this.probing = false;
    }
  }
}
