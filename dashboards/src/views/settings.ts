// Settings: the API key (kept in this browser only), who it is, and sound for critical alerts.
import { setSoundEnabled, soundEnabled } from "../attention";
import type { Context } from "../context";
import { h, replace } from "../dom";
import { getAckName, getKey, setAckName, setKey } from "../keys";

export function settingsPage(context: Context, root: HTMLElement, onKeyChanged: () => void): () => void {
  const key = h("input", { name: "apiKey", type: "password", value: getKey() ?? "", autocomplete: "off", placeholder: "API key" });
  const name = h("input", { name: "ackName", value: getAckName(), placeholder: "Your name, for acknowledgements" });
  const sound = h("input", { type: "checkbox", name: "sound", checked: soundEnabled() });
  const session = context.session;
  const who = session.name
    ? `Signed in with the key "${session.name}" (${session.roles.join(", ")}).`
    : session.roles.includes("read")
      ? "No key: read-only. Acknowledging needs a key with the read role; rules, silences, webhooks and backtests need admin."
      : "No key, and this server needs one to read.";
  replace(
    root,
    h(
      "section",
      { class: "panel page" },
      h("header", { class: "page-head" }, h("h1", { text: "Settings" })),
      h("p", { class: "who", text: who }),
      h(
        "form",
        {
          class: "settings-form",
          on: {
            submit: (event) => {
              event.preventDefault();
              setKey(key.value);
              setAckName(name.value);
              setSoundEnabled(sound.checked);
              onKeyChanged();
            },
          },
        },
        h("label", { class: "field" }, h("span", { class: "field-label", text: "API key" }), key, h("span", { class: "help", text: "Kept in this browser's storage; sent to this server only." })),
        h("label", { class: "field" }, h("span", { class: "field-label", text: "Name" }), name),
        h("label", { class: "toggle" }, sound, "Sound when a critical alert fires"),
        h("div", { class: "form-actions" }, h("button", { type: "submit", class: "primary", text: "Save" }), h("button", { type: "button", text: "Forget the key", on: { click: () => { setKey(null); onKeyChanged(); } } })),
      ),
    ),
  );
  return () => undefined;
}
