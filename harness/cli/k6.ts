/**
 * `rollback-drill k6 FILE [-o script.js]`: the k6 script of a scenario, for teams that run k6
 * themselves (k6-operator in a cluster, k6 Cloud, a bigger load machine). Works for `traffic.type:
 * k6` and converts a `builtin` traffic block (constant arrival rate, same request mix) too.
 */
import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { ExitCode, UserError, type ExitCodeValue } from '../core/errors.js';
import { loadScenarioFile } from '../scenario/load.js';
import { parseDurationMs } from '../scenario/units.js';
import { describePlan, k6PlanFrom, renderK6Script, thresholdsFor } from '../traffic/k6-script.js';
import { harnessVersion } from '../version.js';
import type { CliIo } from './io.js';

export interface K6CommandOptions {
  readonly output?: string;
  readonly baseUrl?: string;
  readonly duration?: number;
}

export function registerK6Command(program: Command, io: CliIo): void {
  program
    .command('k6')
    .description(
      "write a scenario's traffic as a k6 script (arrival-rate executor, thresholds from its SLOs)",
    )
    .argument('<file>', 'scenario file (YAML)')
    .option('-o, --output <file>', 'write the script here instead of stdout')
    .option(
      '--base-url <url>',
      "default for BASE_URL in the script (default: the target's baseUrl, if it has one)",
      parseUrl,
    )
    .option(
      '--duration <duration>',
      'default for DRILL_DURATION: how long the rate is held (default: abort.maxDuration)',
      parseDuration,
    )
    .addHelpText(
      'after',
      `
The script reads BASE_URL and DRILL_DURATION from k6's environment (-e), so one script serves every
stage: k6 run -e BASE_URL=https://shop.staging.example.com script.js
Thresholds come from slos:, so k6 itself exits 99 when the SLO is missed.

Examples:
  $ rollback-drill k6 scenarios/demo-bad-release.yaml -o drill.js
  $ rollback-drill k6 drill.yaml --base-url https://shop.staging.example.com --duration 10m | k6 run -`,
    )
    .action(async (file: string, options: K6CommandOptions) => {
      io.setExitCode(await k6Command(file, options, io));
    });
}

export async function k6Command(
  file: string,
  options: K6CommandOptions,
  io: Pick<CliIo, 'stdout' | 'stderr'>,
): Promise<ExitCodeValue> {
  const { scenario } = await loadScenarioFile(file);
  const plan = k6PlanFrom(scenario.traffic);
  const target = scenario.target;
  const baseUrl = options.baseUrl ?? ('baseUrl' in target ? target.baseUrl : undefined);
  const script = renderK6Script({
    plan,
    slos: scenario.slos,
    scenarioName: scenario.metadata.name,
    source: file,
    harnessVersion: harnessVersion(),
    ...(baseUrl ? { baseUrl } : {}),
    durationMs: options.duration ?? scenario.abort.maxDuration,
  });
  const thresholds = Object.entries(thresholdsFor(scenario.slos))
    .map(([metric, list]) => `${metric} ${list.join(', ')}`)
    .join('; ');
  const note =
    `${describePlan(plan)}${scenario.traffic.type === 'builtin' ? ' (converted from the builtin traffic block)' : ''}; ` +
    `thresholds: ${thresholds}${baseUrl ? '' : '; no default BASE_URL: pass -e BASE_URL=…'}`;
  if (options.output) {
    try {
      await writeFile(options.output, script, 'utf8');
    } catch (error) {
      throw new UserError(
        `cannot write ${options.output}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    io.stderr(`wrote ${options.output}: ${note}\n`);
  } else {
    io.stdout(script);
    io.stderr(`${note}\n`);
  }
  return ExitCode.passed;
}

function parseUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
  } catch {
    // reported below
  }
  throw new InvalidArgumentError('expected an http(s) URL such as https://shop.staging.example.com');
}

function parseDuration(text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined || ms <= 0) throw new InvalidArgumentError('expected a duration such as 10m or 1h30m');
  return ms;
}
