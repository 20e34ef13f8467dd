/**
 * The values command and http targets fill in at run time: `{ fromEnv: NAME }` read from the
 * harness's environment (secrets registered for redaction the moment they are read) and `{{version}}`
 * placeholders. Pure apart from the environment and the process-wide redactor passed in.
 */
import { UserError } from '../core/errors.js';
import { secrets as processSecrets, type SecretRedactor } from '../core/secrets.js';
import { TEMPLATE_PLACEHOLDERS, type ValueOrEnv } from '../scenario/schema/targets.js';

export type Placeholder = (typeof TEMPLATE_PLACEHOLDERS)[number];
export type TemplateValues = Readonly<Record<Placeholder, string>>;

export interface ResolveOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly secrets?: SecretRedactor;
}

/**
 * Resolves a map of literal-or-`fromEnv` values. Every missing variable is reported at once, as a
 * UserError naming the field, so a drill never starts with half its credentials.
 */
export function resolveValues(
  values: Readonly<Record<string, ValueOrEnv>> | undefined,
  where: string,
  options: ResolveOptions = {},
): Record<string, string> {
  const env = options.env ?? process.env;
  const redactor = options.secrets ?? processSecrets;
  const resolved: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, value] of Object.entries(values ?? {})) {
    if (typeof value === 'string') {
      resolved[name] = value;
      continue;
    }
    const raw = env[value.fromEnv] ?? value.default;
    if (raw === undefined) {
      missing.push(`${where}.${name}: environment variable ${value.fromEnv} is not set`);
      continue;
    }
    // Registered before anything can print it; the prefix ("Bearer ") alone is not a secret.
    if (value.secret) redactor.add(raw);
    resolved[name] = `${value.prefix}${raw}`;
  }
  if (missing.length > 0) {
    throw new UserError(
      `the target needs values from the environment:\n  ${missing.join('\n  ')}\n` +
        'set them (or give a default:) before running the drill',
    );
  }
  return resolved;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Replaces `{{version}}`, `{{stableVersion}}`, `{{candidateVersion}}`; others were refused at load. */
export function fillTemplate(text: string, values: TemplateValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    (TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name) ? values[name as Placeholder] : whole,
  );
}

/** A body for an HTTP call: strings are templated as text; anything else is templated leaf by leaf, sent as JSON. */
export function fillBody(
  body: unknown,
  values: TemplateValues,
): { readonly text: string; readonly contentType?: string } | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return { text: fillTemplate(body, values) };
  return { text: JSON.stringify(fillLeaves(body, values)), contentType: 'application/json' };
}

function fillLeaves(value: unknown, values: TemplateValues): unknown {
  if (typeof value === 'string') return fillTemplate(value, values);
  if (Array.isArray(value)) return value.map((item) => fillLeaves(item, values));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillLeaves(v, values)]));
  }
  return value;
}

/** The environment a command runs with: the harness's own, the target's, the step's, then the drill's facts. */
export function commandEnvironment(
  layers: readonly Readonly<Record<string, string>>[],
  facts: { readonly action: string; readonly values: TemplateValues; readonly runId?: string },
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) if (value !== undefined) env[name] = value;
  for (const layer of layers) Object.assign(env, layer);
  env.ROLLBACK_DRILL_ACTION = facts.action;
  env.ROLLBACK_DRILL_VERSION = facts.values.version;
  env.ROLLBACK_DRILL_STABLE_VERSION = facts.values.stableVersion;
  env.ROLLBACK_DRILL_CANDIDATE_VERSION = facts.values.candidateVersion;
  if (facts.runId !== undefined) env.ROLLBACK_DRILL_RUN_ID = facts.runId;
  return env;
}
