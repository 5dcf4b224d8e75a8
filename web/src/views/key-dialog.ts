/** Asks for the API key in a modal dialog; resolves undefined when cancelled. */
import { h } from "../dom.js";

export function createKeyPrompt(): (reason: string) => Promise<string | undefined> {
  const reasonText = h("p", { id: "key-reason" });
  const input = h("input", {
    id: "key-input",
    type: "password",
    autocomplete: "off",
    required: true,
    "aria-describedby": "key-reason key-note",
  });
  const dialog = h(
    "dialog",
    { class: "key-dialog", "aria-labelledby": "key-title" },
    h(
      "form",
      { method: "dialog" },
      h("h2", { id: "key-title" }, "API key"),
      reasonText,
      h("label", { for: "key-input" }, "Key"),
      input,
      h(
        "p",
        { id: "key-note", class: "note" },
        "Kept in this browser tab only (session storage) and sent with each request. A read-only key (API_READ_KEY) shows everything; changing values needs API_KEY.",
      ),
      h(
        "div",
        { class: "buttons" },
        h("button", { type: "submit", value: "ok", class: "primary" }, "Use key"),
        h("button", { type: "submit", value: "cancel", formnovalidate: true }, "Cancel"),
      ),
    ),
  );
  return (reason) =>
    new Promise((resolve) => {
      // Attached on first use: the shell may have replaced the body's content since.
      if (!dialog.isConnected) document.body.append(dialog);
      reasonText.textContent = reason;
      input.value = "";
      dialog.returnValue = "";
      dialog.addEventListener(
        "close",
        () => {
          const key = input.value.trim();
          resolve(dialog.returnValue === "ok" && key !== "" ? key : undefined);
        },
        { once: true },
      );
      dialog.showModal();
      input.focus();
    });
}
