/**
 * /api/status read by the field bench: every poll cycle's bus time as it appears, labelled with
 * the phase of the bench it came in.
 */
import { type BusTime, getJson, type Status } from "./http.js";

export interface PollSample {
  cycle: number;
  phase: string;
  busTime: BusTime;
}

export class StatusSampler {
  readonly polls: PollSample[] = [];
  phase = "idle";
  private lastCycle = -1;

  constructor(private url: string) {}

  /** Points the sampler at a restarted gateway (its cycle count starts again). */
  retarget(url: string): void {
    this.url = url;
    this.lastCycle = -1;
  }

  async read(): Promise<Status | undefined> {
    const status = await getJson<Status>(`${this.url}/api/status`);
    if (status && status.poll.cycles !== this.lastCycle && status.poll.last_bus_time) {
      if (this.lastCycle !== -1) {
        this.polls.push({ cycle: status.poll.cycles, phase: this.phase, busTime: status.poll.last_bus_time });
      }
      this.lastCycle = status.poll.cycles;
    }
    return status;
  }
}
