/**
 * A command on a climate's or the water heater's topic: its writes go to the safe write queue one
 * after the other (a mode change may write the settings word, then the work state), each answered
 * on `<topic>/result` with its job's outcome like a parameter's command; a refusal (unknown mode, a
 * target outside the setpoint's limits — refused before anything is sent) is answered there too.
 */
import type { GatewayPort, WriteJob } from "../../port/index.js";
import { WriteError } from "../../port/index.js";
import type { WriteIntent } from "./ha/native.js";
import { writeErrorPayload, writeJobResultPayload } from "./payload.js";

export type Answer = (payload: string) => void;

export async function runIntent(
  intent: WriteIntent,
  core: Pick<GatewayPort, "writes" | "store" | "clock">,
  target: string,
  answer: Answer,
): Promise<void> {
  if (intent.kind === "refused") {
    answer(writeErrorPayload({ name: target, index: -1 }, { ...intent, sent: false }, core.clock.now()));
    return;
  }
  for (const write of intent.writes) {
    const name = core.store.get(write.target)?.definition.name ?? String(write.target);
    let job: WriteJob;
    try {
      job = core.writes.submit({ target: write.target, value: write.value, origin: "mqtt" });
    } catch (error) {
      if (!(error instanceof WriteError)) throw error;
      answer(writeErrorPayload({ name, index: write.target }, error, core.clock.now()));
      return;
    }
    const ended = await job.ended;
    answer(writeJobResultPayload(ended));
    if (ended.state !== "confirmed") return;
  }
}
