import { z } from 'zod';
import { stableDemoVersions } from '../../demo/releases.js';
import { duration } from '../units.js';

const STABLE_DEMO_VERSIONS = stableDemoVersions() as [string, ...string[]];

const port = z
  .int({ error: 'expected a TCP port from 0 to 65535 (0: any free port)' })
  .min(0, 'expected a TCP port from 0 to 65535 (0: any free port)')
  .max(65_535, 'expected a TCP port from 0 to 65535 (0: any free port)');

/** The demo shop, run by the harness as real child processes behind a blue-green router. */
export const embeddedTargetConfig = z.strictObject({
  type: z.literal('embedded'),
  stableVersion: z
    .enum(STABLE_DEMO_VERSIONS, {
      error: `expected one of the demo shop's stable versions: ${STABLE_DEMO_VERSIONS.join(', ')}`,
    })
    .default('1.4.2')
    .meta({ description: 'the version a rollback restores' }),
  healthPollInterval: duration.default(100).meta({ description: 'how often rollback completion is polled' }),
  startTimeout: duration
    .default(10_000)
    .meta({ description: 'how long a new version may take to listen (or crash) before it is switched to' }),
  routerPort: port
    .default(0)
    .meta({ description: 'where the router listens on 127.0.0.1; 0: any free port' }),
  paymentsPort: port
    .default(0)
    .meta({ description: 'where the payments dependency listens on 127.0.0.1; 0: any free port' }),
  paymentsUrl: z
    .url({ protocol: /^https?$/, error: 'expected an http:// URL such as http://127.0.0.1:21212' })
    .optional()
    .meta({
      description:
        'where the shop calls payments, e.g. a fault proxy in front of paymentsPort; default: payments directly',
    }),
});

// ---- Targets for real staging systems: `command` (argv, never a shell) and `http` (deploy API) ----

/** Placeholders an action may use; `{{version}}` is the version the action moves to. */
export const TEMPLATE_PLACEHOLDERS = ['version', 'stableVersion', 'candidateVersion'] as const;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Text with `{{version}}`-style placeholders; unknown ones are refused when the file is checked. */
const templated = z.string().superRefine((text, ctx) => {
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name)) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown placeholder {{${name}}}; known: ${TEMPLATE_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
      });
    }
  }
});

const httpUrl = z.url({
  protocol: /^https?$/,
  error: 'expected an http(s) URL such as https://shop.staging.example.com',
});

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A value read from the harness's environment at run time; registered for redaction by default. */
const fromEnv = z.strictObject({
  fromEnv: z
    .string()
    .regex(ENV_NAME, 'expected an environment variable name such as DEPLOY_TOKEN')
    .meta({ description: 'the environment variable to read when the drill starts' }),
  default: z
    .string()
    .optional()
    .meta({ description: 'used when the variable is unset; default: unset is an error' }),
  prefix: z.string().default('').meta({ description: 'put before the value, e.g. "Bearer "' }),
  secret: z
    .boolean()
    .default(true)
    .meta({ description: 'redact the value from records, reports and logs (default true)' }),
});
export type FromEnvValue = z.output<typeof fromEnv>;

/** A literal string, or `{ fromEnv: NAME }`. */
const valueOrEnv = z.union([z.string(), fromEnv]);
export type ValueOrEnv = z.output<typeof valueOrEnv>;

const envMap = z
  .record(z.string().regex(ENV_NAME, 'expected an environment variable name'), valueOrEnv)
  .meta({ description: 'environment variables: a string, or { fromEnv: NAME } to pass one through' });
const headerMap = z
  .record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'expected an HTTP header name'), valueOrEnv)
  .meta({ description: 'HTTP headers: a string, or { fromEnv: NAME, prefix: "Bearer " } for a token' });

/** One program run directly (no shell): argv[0] is looked up on PATH. */
const commandSpec = z.strictObject({
  argv: z
    .array(templated)
    .min(1, 'expected a command as a list: [program, arg, ...]')
    .meta({ description: 'program and arguments, run without a shell; {{version}} is substituted' }),
  timeout: duration.default(300_000).meta({
    description: 'the command (and everything it started in its process group) is killed after this',
  }),
  workingDirectory: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "default: the target's workingDirectory" }),
  env: envMap.optional().meta({ description: "added to the target's env for this command" }),
});
export type CommandSpec = z.output<typeof commandSpec>;

const commandSteps = z
  .array(commandSpec)
  .min(1, 'expected at least one command')
  .meta({ description: 'commands run in order; the first that fails (exit ≠ 0, timeout) fails the action' });

const probeCommand = commandSpec.extend({
  timeout: duration.default(10_000).meta({ description: 'a check slower than this counts as failed' }),
});

/** Where the serving version is read: a command's stdout or a URL's body; jsonPointer or regex pick it out. */
const versionProbe = z
  .strictObject({
    command: probeCommand.optional().meta({ description: 'prints the serving version on stdout' }),
    url: templated.pipe(httpUrl).optional().meta({ description: 'answers with the serving version' }),
    headers: headerMap.optional(),
    jsonPointer: z
      .string()
      .regex(/^(\/.*)?$/, 'expected a JSON pointer such as /version or /status/image/tag')
      .optional()
      .meta({ description: 'RFC 6901 pointer into a JSON answer, e.g. /version' }),
    regex: z
      .string()
      .optional()
      .meta({ description: 'the version is capture group 1 (or the whole match), e.g. "shop:([\\\\w.-]+)"' }),
    timeout: duration.default(5_000).meta({ description: 'a URL check slower than this counts as failed' }),
  })
  .superRefine((probe, ctx) => {
    if ((probe.command === undefined) === (probe.url === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of command or url', path: [] });
    }
    if (probe.jsonPointer !== undefined && probe.regex !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'use jsonPointer or regex, not both', path: ['regex'] });
    }
    if (probe.regex !== undefined) {
      try {
        new RegExp(probe.regex);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: `not a valid regex: ${(error as Error).message}`,
          path: ['regex'],
        });
      }
    }
  });
export type VersionProbeConfig = z.output<typeof versionProbe>;

/** Healthy = the command exits 0, or the URL answers 2xx. */
const healthProbe = z
  .strictObject({
    command: probeCommand.optional(),
    url: httpUrl.optional(),
    headers: headerMap.optional(),
    timeout: duration.default(5_000).meta({ description: 'a URL check slower than this counts as failed' }),
  })
  .superRefine((probe, ctx) => {
    if ((probe.command === undefined) === (probe.url === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of command or url', path: [] });
    }
  });
export type HealthProbeConfig = z.output<typeof healthProbe>;

/** What command and http targets share: the stable version, where traffic goes, how serving is checked. */
const stagingTargetCommon = {
  stableVersion: z.string().min(1).meta({ description: 'the version a rollback restores' }),
  baseUrl: httpUrl.meta({ description: 'where the drill sends its traffic, e.g. the staging load balancer' }),
  version: versionProbe.meta({ description: 'how the serving version is read' }),
  health: healthProbe
    .optional()
    .meta({ description: 'extra health check; default: healthy when the version check answers' }),
  pollInterval: duration.default(1_000).meta({
    description: 'how often the version (and health) is polled; the resolution of the times measured',
  }),
  waitTimeout: duration
    .default(300_000)
    .meta({ description: 'how long a deploy or rollback may take to show the expected version' }),
};

/** Deploy, roll back and check a real system by running commands: kubectl, helm, argo, a script. */
export const commandTargetConfig = z.strictObject({
  type: z.literal('command'),
  ...stagingTargetCommon,
  workingDirectory: z.string().min(1).default('.').meta({
    description: 'where commands run; relative paths are from the directory rollback-drill runs in',
  }),
  env: envMap.default({}),
  deploy: commandSteps.meta({ description: 'deploys {{version}} (the candidate)' }),
  rollback: commandSteps.meta({ description: 'rolls back to {{stableVersion}} (also {{version}} here)' }),
});

/** One HTTP call of a deploy API. */
const httpAction = z.strictObject({
  url: templated.pipe(httpUrl),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  headers: headerMap.default({}),
  body: z.unknown().optional().meta({
    description: 'a string is sent as is; anything else as JSON; {{version}} is substituted in strings',
  }),
  timeout: duration.default(30_000).meta({ description: 'the call fails when no answer comes within this' }),
});
export type HttpActionConfig = z.output<typeof httpAction>;

/** Deploy and roll back by calling a deploy API (a CD tool, a feature-flag service, a controller). */
export const httpTargetConfig = z.strictObject({
  type: z.literal('http'),
  ...stagingTargetCommon,
  deploy: httpAction.meta({ description: 'the call that deploys {{version}}; any 2xx answer is success' }),
  rollback: httpAction.meta({ description: 'the call that rolls back to {{stableVersion}}' }),
});

export const targetConfig = z.discriminatedUnion(
  'type',
  [embeddedTargetConfig, commandTargetConfig, httpTargetConfig],
  { error: 'expected a target block with type: embedded, command or http' },
);
export type TargetConfig = z.output<typeof targetConfig>;
export type EmbeddedTargetConfig = z.output<typeof embeddedTargetConfig>;
export type CommandTargetConfig = z.output<typeof commandTargetConfig>;
export type HttpTargetConfig = z.output<typeof httpTargetConfig>;
