/** A configuration that cannot be used: start-up stops with one message listing every problem. */

export interface ConfigIssue {
  /** The setting (environment name), the YAML key, or CONFIG_FILE. */
  readonly setting: string;
  /** What is wrong, naming the bad value (secrets are never shown). */
  readonly problem: string;
  /** What is allowed instead, when that helps. */
  readonly allowed?: string;
  /** Where the value came from: a file path, an environment variable, … */
  readonly origin: string;
}

export function describeIssue(issue: ConfigIssue): string {
  const allowed = issue.allowed ? `; allowed: ${issue.allowed}` : "";
  return `${issue.setting} (from ${issue.origin}): ${issue.problem}${allowed}.`;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const lines = issues.map(describeIssue);
    super(
      lines.length === 1
        ? `Invalid configuration: ${lines[0]}`
        : `Invalid configuration (${lines.length} problems):\n${lines.map((l) => `  - ${l}`).join("\n")}`,
    );
    this.issues = issues;
  }
}
