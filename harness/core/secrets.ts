/**
 * Secrets a scenario references (tokens, auth headers read from the environment) must never reach
 * a run record, a log line or a report. Adapters register every secret value they resolve; every
 * writer passes its text through `redact` last.
 */
export const REDACTED = '[REDACTED]';

/** Values shorter than this are not treated as secrets: redacting "1" would mangle every record. */
const MIN_SECRET_LENGTH = 4;

export class SecretRedactor {
  private readonly values = new Set<string>();

  /** Registers a resolved secret value (and its common encodings) for redaction. */
  add(value: string): void {
    if (value.length < MIN_SECRET_LENGTH) return;
    this.values.add(value);
    this.values.add(encodeURIComponent(value));
    this.values.add(JSON.stringify(value).slice(1, -1)); // as it appears inside a JSON string
  }

  get size(): number {
    return this.values.size;
  }

  /** Replaces every registered value in `text`, longest first so a secret's prefix never leaks. */
  redact(text: string): string {
    let out = text;
    for (const value of [...this.values].sort((a, b) => b.length - a.length)) {
      if (value.length >= MIN_SECRET_LENGTH) out = out.split(value).join(REDACTED);
    }
    return out;
  }
}

/** The process-wide redactor: one drill process resolves its secrets once. */
export const secrets = new SecretRedactor();
