#!/usr/bin/env node
// Restarts an app the Capistrano way, from the deploy root: stops the process recorded in app.pid
// (SIGTERM, SIGKILL after 10 s), starts `node <entry>` (e.g. current/server.mjs) detached with its
// output appended to log/app.log, records the new pid, and exits 0 once the app answers
// http://127.0.0.1:$PORT$READY_PATH with a 2xx — or 1 after 20 s (or when it dies), printing the
// log's last lines. A stand-in for `systemctl restart shop` where there is no service manager; the
// symlink-switch template uses it, and test/integration/targets/symlink-drill.test.ts runs it for real.
//
// Usage: node bin/restart-app.mjs current/server.mjs
// Env:   PORT (required), READY_PATH (/healthz), PID_FILE (app.pid), LOG_FILE (log/app.log)
/* global fetch, AbortSignal -- Node 18+ globals */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const entry = process.argv[2];
const port = process.env.PORT;
const readyPath = process.env.READY_PATH ?? '/healthz';
const pidFile = process.env.PID_FILE ?? 'app.pid';
const logFile = process.env.LOG_FILE ?? 'log/app.log';
if (!entry || !port) {
  console.error('usage: PORT=8080 node restart-app.mjs current/server.mjs');
  process.exit(2);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Only a process running our entry is ours to stop: a stale pid file may name someone else now. */
function runsOurEntry(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(basename(entry));
  } catch {
    return alive(pid); // no /proc (macOS): trust the pid file
  }
}

async function stopOld() {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid) || !runsOurEntry(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; alive(pid) && waited < 10_000; waited += 50) await sleep(50);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  while (alive(pid)) await sleep(20);
  console.log(`stopped pid ${pid}`);
}

function logTail() {
  try {
    return readFileSync(logFile, 'utf8').trim().split('\n').slice(-10).join('\n');
  } catch {
    return '(no log)';
  }
}

async function ready(child) {
  const url = `http://127.0.0.1:${port}${readyPath}`;
  for (let waited = 0; waited < 20_000; waited += 100) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return false;
}

await stopOld();
mkdirSync(dirname(logFile), { recursive: true });
const log = openSync(logFile, 'a');
// The app gets the environment a service manager would give it: not the drill's own variables
// (ROLLBACK_DRILL_*), so nothing mistakes the restarted service for a process of the drill.
const appEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('ROLLBACK_DRILL_')),
);
const child = spawn(process.execPath, [entry], { detached: true, stdio: ['ignore', log, log], env: appEnv });
closeSync(log);
writeFileSync(pidFile, `${child.pid}\n`);
const ok = await ready(child);
child.unref();
if (!ok) {
  console.error(
    `${entry} (pid ${child.pid}) did not become ready on port ${port}; log/app.log ends:\n${logTail()}`,
  );
  process.exit(1);
}
console.log(`started ${entry} as pid ${child.pid}, ready on port ${port}`);
