/**
 * Renders Home Assistant value/command templates with Jinja2 (the engine Home Assistant uses, run
 * by python3) so tests check what HA would show, not what we think a template says. One python
 * process per batch. HA adds filters to Jinja2; the templates the bridge writes use only ones both
 * share (`int`, `float`, `string`, `round`, `tojson`), with HA's meaning of a default argument.
 */
import { execFileSync } from "node:child_process";

export interface TemplateCase {
  template: string;
  /** The MQTT payload as text (`value`); `value_json` when it parses as JSON. */
  value: string;
}

const SCRIPT = `
import json, sys
from jinja2.sandbox import ImmutableSandboxedEnvironment
env = ImmutableSandboxedEnvironment()
out = []
compiled = {}
for case in json.load(sys.stdin):
    try:
        value_json = json.loads(case["value"])
    except Exception:
        value_json = None
    try:
        template = compiled.get(case["template"])
        if template is None:
            template = compiled[case["template"]] = env.from_string(case["template"])
        out.append(template.render(value=case["value"], value_json=value_json).strip())
    except Exception as error:
        out.append("ERROR: " + type(error).__name__ + ": " + str(error))
json.dump(out, sys.stdout)
`;

/** Each case's rendering, or `ERROR: …` when the template fails. */
export function renderTemplates(cases: readonly TemplateCase[]): string[] {
  const output = execFileSync("python3", ["-c", SCRIPT], {
    input: JSON.stringify(cases),
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(output.toString("utf8")) as string[];
}

export function hasJinja(): boolean {
  try {
    execFileSync("python3", ["-c", "import jinja2"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
