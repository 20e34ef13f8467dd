/**
 * The templates' command lines, run as far as this machine allows: every kubectl argv through the
 * real kubectl against a dead API server (accepted, failing only at connecting), and the GitOps
 * template's sed and git steps for real against a temporary repo and bare remote.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { SystemClock } from '../../../harness/core/clock.js';
import { loadScenarioFile } from '../../../harness/scenario/load.js';
import type { CommandTargetConfig } from '../../../harness/scenario/schema/targets.js';
import { runProcess } from '../../../harness/targets/command-process.js';
import { fillTemplate } from '../../../harness/targets/command-values.js';
import { describeWithServers } from '../../support/external-binaries.js';

const TEMPLATES = fileURLToPath(new URL('../../../scenarios/templates/', import.meta.url));
const clock = new SystemClock();
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function commandTarget(file: string): Promise<CommandTargetConfig> {
  const { scenario } = await loadScenarioFile(join(TEMPLATES, file));
  if (scenario.target.type !== 'command') throw new Error(`${file} does not use the command target`);
  return scenario.target;
}

const VALUES = { version: '1.5.0', stableVersion: '1.4.2', candidateVersion: '1.5.0' };

describeWithServers(['kubectl'], 'kubernetes template: kubectl accepts every command line', () => {
  it('each kubectl argv parses and fails only when it connects to the (dead) API server', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
    folders.push(folder);
    const kubeconfig = join(folder, 'config');
    // Port 1 on loopback: nothing listens, so every command fails at connecting, after parsing.
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{ name: dead, cluster: { server: "https://127.0.0.1:1", insecure-skip-tls-verify: true } }]',
        'users: [{ name: dead, user: { token: "none" } }]',
        'contexts: [{ name: dead, context: { cluster: dead, user: dead } }]',
        'current-context: dead',
      ].join('\n'),
    );
    const target = await commandTarget('kubernetes-rollout.yaml');
    const argvs = [...target.deploy, ...target.rollback].map((step) =>
      step.argv.map((a) => fillTemplate(a, VALUES)),
    );
    expect(argvs.length).toBe(4);
    for (const argv of argvs) {
      const result = await runProcess(
        {
          argv,
          cwd: folder,
          env: { PATH: process.env.PATH ?? '', HOME: folder, KUBECONFIG: kubeconfig },
          timeoutMs: 30_000,
        },
        clock,
        new AbortController().signal,
      );
      const said = result.stderr.text + result.stdout.text;
      expect(said, argv.join(' ')).not.toMatch(
        /unknown (flag|command|shorthand)|invalid argument|see .* --help/i,
      );
      expect(said, argv.join(' ')).toMatch(
        /connection to the server 127\.0\.0\.1:1 was refused|connect: connection refused/,
      );
      expect(result.exitCode).not.toBe(0);
    }
  });
});

describeWithServers(['git', 'sed'], 'argocd-gitops template: the git steps, for real', () => {
  it('the deploy commits and pushes the candidate tag; the rollback reverts it on the remote', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gitops-'));
    folders.push(root);
    const git = (cwd: string, ...args: string[]): string =>
      execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...gitIdentity } });
    const gitIdentity = {
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    };
    git(root, 'init', '--quiet', '--bare', '--initial-branch=main', 'origin.git');
    git(root, 'clone', '--quiet', 'origin.git', 'gitops-config');
    const clone = join(root, 'gitops-config');
    git(clone, 'checkout', '--quiet', '-B', 'main');
    mkdirSync(join(clone, 'apps/shop'), { recursive: true });
    writeFileSync(
      join(clone, 'apps/shop/values-staging.yaml'),
      'image:\n  repository: registry.example.com/shop\n  tag: "1.4.2"\n',
    );
    git(clone, 'add', '.');
    git(clone, 'commit', '--quiet', '-m', 'shop 1.4.2');
    git(clone, 'push', '--quiet', 'origin', 'HEAD:main');

    const target = await commandTarget('argocd-gitops.yaml');
    const literalEnv = Object.fromEntries(
      Object.entries(target.env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    const run = async (steps: CommandTargetConfig['deploy'], version: string): Promise<string[]> => {
      const ran: string[] = [];
      for (const step of steps.filter((s) => s.argv[0] !== 'argocd')) {
        const argv = step.argv.map((a) => fillTemplate(a, { ...VALUES, version }));
        const result = await runProcess(
          {
            argv,
            cwd: clone,
            env: { PATH: process.env.PATH ?? '', HOME: root, ...literalEnv },
            timeoutMs: step.timeout,
          },
          clock,
          new AbortController().signal,
        );
        expect(result.exitCode, `${argv.join(' ')}: ${result.stderr.text}`).toBe(0);
        ran.push(argv[1] ?? '');
      }
      return ran;
    };
    const remoteValues = (): string =>
      git(join(root, 'origin.git'), 'show', 'main:apps/shop/values-staging.yaml');

    expect(await run(target.deploy, '1.5.0')).toEqual(['pull', '-i', 'commit', 'push']);
    expect(remoteValues()).toContain('  tag: "1.5.0"\n');
    expect(remoteValues()).toContain('  repository: registry.example.com/shop\n');
    expect(git(join(root, 'origin.git'), 'log', '-1', '--format=%an: %s', 'main').trim()).toBe(
      'rollback-drill: rollback-drill: deploy shop 1.5.0 (drill)',
    );

    expect(await run(target.rollback, '1.4.2')).toEqual(['revert', 'push']);
    expect(remoteValues()).toContain('  tag: "1.4.2"\n');
    expect(git(join(root, 'origin.git'), 'log', '-1', '--format=%s', 'main').trim()).toMatch(
      /^Revert "rollback-drill: deploy shop 1\.5\.0/,
    );
  });
});
