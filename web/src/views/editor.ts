/**
 * Changing one writable parameter: the range is shown, bad input is refused here with the reason
 * (no request), and a valid value goes to POST /api/parameters/{index} — the gateway's safe write
 * path — as a write job (`Prefer: respond-async`): while it waits for the bus the page says so
 * ("waiting for the bus, ~N s", from the grants the gateway sees) and follows it at
 * GET /api/writes/{id} until it ends: the controller's read-back value, or why it failed, expired
 * or was superseded. The index (not the name) is sent because names repeat and a name means its
 * lowest index.
 * Service parameters (GET /api/expert-parameters) are locked unless the gateway runs with
 * EXPERT_WRITES, and every write to one (or to the heat pump's reboot) is confirmed first, in the
 * editor, with the consequence spelt out.
 */
import { type ApiClient, ApiError } from "../api.js";
import { h, uid } from "../dom.js";
import { formatRange, formatValue, unitSymbol, wireType } from "../format.js";
import type { GatewayState } from "../gateway-state.js";
import type { ParameterStore } from "../store.js";
import type { Parameter, ParameterValue, WriteJob, WriteResult } from "../types.js";
import { choices, type Labels, parseInput } from "../validate.js";
import { isFinal, pendingText, unconfirmedText } from "../write-job.js";

/** How often a job still waiting for the bus is asked about. */
const FOLLOW_EVERY_MS = 1_000;

export interface EditorContext {
  api: ApiClient;
  store: ParameterStore;
  state: GatewayState;
}

export interface EditorOptions {
  /** A unit to show when the API has none (overview tiles know theirs). */
  unit?: string;
  /**
   * Words for the values of an enumerated parameter: the editor is then a select of exactly these
   * values (sending the number), and refuses any other.
   */
  labels?: Labels;
  /** Called when the person closes the editor (Cancel, Escape). */
  onClose: () => void;
}

export function createEditor(
  ctx: EditorContext,
  parameter: Parameter,
  options: EditorOptions,
): HTMLFormElement {
  const inputId = uid("edit");
  const messageId = uid("edit-msg");
  const unit = unitSymbol(parameter.unit) || options.unit || "";
  const wire = wireType(parameter.type);
  const range = formatRange(parameter.min, parameter.max);
  // An enumerated parameter (known value words) gets a select of those values.
  const labels = wire.kind === "integer" ? options.labels : undefined;
  const offered = labels ? choices(parameter, labels) : [];
  const wordOf = (value: unknown) => offered.find((c) => c.value === value)?.label;
  const rules = labels
    ? `one of: ${offered.map((c) => c.label).join(", ")}`
    : [
        range ? `range ${range}${unit ? ` ${unit}` : ""}` : "no range given",
        wire.kind === "integer" ? `whole numbers (${wire.name})` : wire.name,
      ].join(", ");

  const input = labels
    ? h(
        "select",
        { id: inputId, "aria-describedby": messageId },
        ...offered.map((c) => h("option", { value: String(c.value) }, c.label)),
      )
    : wire.kind === "bool"
      ? h(
          "select",
          { id: inputId, "aria-describedby": messageId },
          h("option", { value: "on" }, "on"),
          h("option", { value: "off" }, "off"),
        )
      : h("input", {
          id: inputId,
          type: "text",
          inputmode: wire.kind === "string" ? undefined : "decimal",
          autocomplete: "off",
          spellcheck: "false",
          "aria-describedby": messageId,
        });
  if (labels && input instanceof HTMLSelectElement) {
    // A value without a word (the controller holds 7, say) is shown as it is but cannot be sent.
    if (wordOf(parameter.value) === undefined) {
      input.prepend(
        h(
          "option",
          { value: String(parameter.value ?? ""), disabled: true },
          `${formatValue(parameter.value, parameter.type)} (not a known value)`,
        ),
      );
    }
    input.value = String(parameter.value ?? "");
  } else {
    input.value =
      wire.kind === "bool" ? (parameter.value ? "on" : "off") : formatValue(parameter.value, parameter.type);
    if (input.value === "—") input.value = "";
  }

  const message = h("p", { id: messageId, class: "editor-message", role: "status", "aria-live": "polite" });
  const submit = h(
    "button",
    { type: "submit", class: "primary", "aria-label": `Set ${parameter.name}` },
    "Set",
  );
  const cancel = h("button", { type: "button", onclick: () => options.onClose() }, "Cancel");

  const show = (kind: "info" | "error" | "ok" | "busy", text: string, extra?: Node) => {
    message.className = `editor-message ${kind}`;
    message.textContent = text;
    if (extra) message.append(" ", extra);
  };

  const readOnlyMode = () => ctx.state.current.readOnly;
  const expert = () => ctx.state.current.expert.get(parameter.index);
  const locked = () => expert()?.gated === true && !ctx.state.current.expertWrites;
  const lockedText = () =>
    `Locked: ${parameter.name} is a service parameter (${expert()?.kind}). ${expert()?.consequence} ` +
    "The gateway refuses writes to it unless it runs with EXPERT_WRITES=true.";
  /** The confirmation step before a write to a service parameter; empty when none is asked. */
  const confirmation = h("div", { class: "editor-confirm", role: "alertdialog", hidden: true });
  const form = h(
    "form",
    {
      class: "editor",
      "aria-label": `Change ${parameter.name}`,
      novalidate: true,
      onkeydown: (event: KeyboardEvent) => {
        if (event.key === "Escape") {
          event.preventDefault();
          options.onClose();
        }
      },
      onsubmit: (event: Event) => {
        event.preventDefault();
        void send();
      },
    },
    h(
      "label",
      { for: inputId },
      `New value for ${parameter.name}`,
      h("span", { class: "editor-rules" }, ` (${rules})`),
    ),
    h(
      "div",
      { class: "editor-row" },
      input,
      unit ? h("span", { class: "unit" }, unit) : null,
      submit,
      cancel,
    ),
    message,
    confirmation,
  );

  if (readOnlyMode()) {
    submit.disabled = true;
    input.disabled = true;
    show("error", "The gateway is in read-only mode (READ_ONLY): it sends no writes to the heat pump.");
  } else if (locked()) {
    submit.disabled = true;
    input.disabled = true;
    show("error", lockedText());
  }

  /** Asks before a write to a service parameter; resolves true when the person confirmed. */
  function confirmWrite(value: number | boolean | string): Promise<boolean> {
    const rule = expert();
    if (!rule) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (yes: boolean) => {
        confirmation.hidden = true;
        confirmation.replaceChildren();
        submit.disabled = readOnlyMode();
        if (!yes) show("info", "Not sent.");
        resolve(yes);
      };
      const yes = h(
        "button",
        { type: "button", class: "primary", onclick: () => done(true) },
        `Write ${formatValue(value, parameter.type)} to ${parameter.name}`,
      );
      const no = h("button", { type: "button", onclick: () => done(false) }, "Don't write");
      const titleId = uid("confirm");
      confirmation.setAttribute("aria-labelledby", titleId);
      confirmation.replaceChildren(
        h(
          "p",
          { id: titleId, class: "editor-confirm-title" },
          rule.gated
            ? `${parameter.name} is a service parameter (${rule.kind}).`
            : `Writing ${parameter.name} acts on the heat pump at once (${rule.kind}).`,
        ),
        h("p", null, rule.consequence),
        h("div", { class: "editor-row" }, yes, no),
      );
      confirmation.hidden = false;
      submit.disabled = true;
      no.focus();
    });
  }

  async function send(): Promise<void> {
    if (readOnlyMode()) {
      show("error", "The gateway is in read-only mode (READ_ONLY): it sends no writes to the heat pump.");
      return;
    }
    if (locked()) {
      show("error", lockedText());
      return;
    }
    const current = ctx.store.get(parameter.index) ?? parameter;
    const parsed = parseInput(current, input.value, labels);
    if (!parsed.ok) {
      input.setAttribute("aria-invalid", "true");
      show("error", `Not sent: ${parsed.reason}`);
      input.focus();
      return;
    }
    input.removeAttribute("aria-invalid");
    if (!(await confirmWrite(parsed.value))) return;
    submit.disabled = true;
    show("busy", "Writing…");
    const confirmed = (index: number, value: ParameterValue, confirmation: string, ms: number) => {
      ctx.store.applyValue(index, value);
      const shown = formatValue(value, current.type);
      const word = labels ? wordOf(value) : undefined;
      show(
        "ok",
        `Confirmed by the controller: ${word === undefined ? shown : `${word} (${shown})`}${unit ? ` ${unit}` : ""} (${confirmation}, ${ms} ms).`,
      );
      input.value = labels ? String(value) : shown;
    };
    try {
      const answer = await ctx.api.postFor<WriteResult | WriteJob>(
        `api/parameters/${parameter.index}`,
        { value: parsed.value },
        { prefer: "respond-async" },
      );
      let job: WriteJob | undefined;
      if (answer.status === 202) job = answer.data as WriteJob;
      else {
        const result = answer.data as WriteResult;
        if (result.state === "confirmed") {
          confirmed(result.index, result.new_value, result.confirmation, result.duration_ms);
          return;
        }
        job = await ctx.api.get<WriteJob>(`api/writes/${encodeURIComponent(result.write_id)}`);
      }
      // The job runs in the gateway whatever the page does; the page follows it while it is open.
      while (!isFinal(job) && form.isConnected) {
        show("busy", pendingText(job));
        await new Promise((resolve) => setTimeout(resolve, FOLLOW_EVERY_MS));
        job = await ctx.api.get<WriteJob>(`api/writes/${encodeURIComponent(job.write_id)}`);
      }
      if (job.state === "confirmed")
        confirmed(job.index, job.new_value, job.confirmation ?? "confirmed", job.duration_ms ?? 0);
      else if (isFinal(job)) show("error", unconfirmedText(job));
    } catch (error) {
      if (error instanceof ApiError) {
        const again =
          error.status === 403 && error.code === "forbidden"
            ? h(
                "button",
                {
                  type: "button",
                  class: "link",
                  onclick: async () => {
                    if (await ctx.api.askForKey("Enter the read-write key (API_KEY).")) void send();
                  },
                },
                "Use another key",
              )
            : undefined;
        const status = error.status === 0 ? "no answer" : `${error.status} ${error.code}`;
        show("error", `Refused by the gateway (${status}): ${error.detail}`, again);
      } else {
        show("error", `Failed: ${(error as Error).message}`);
      }
    } finally {
      submit.disabled = readOnlyMode();
    }
  }

  queueMicrotask(() => {
    input.focus();
    if (input instanceof HTMLInputElement) input.select();
  });
  return form;
}
