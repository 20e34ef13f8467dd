/** Runs through the API: start, list, look up, mark, abort, report, and graceful shutdown. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMark } from '../../../harness/runner/marks.js';
import { runRecordSchema } from '../../../harness/store/run-record.js';
import { recordFor, SHOP_AND_API, writeRecord } from '../../unit/history/history-fixtures.js';
import { startServeHarness, type ServeHarness } from './serve-harness.js';

let serve: ServeHarness | undefined;
afterEach(async () => {
  await serve?.stop();
  serve = undefined;
});

async function startAlpha(h: ServeHarness): Promise<string> {
  const response = await h.request('POST', '/api/runs', { body: { scenario: 'alpha' } });
  expect(response.status).toBe(202);
  return String(response.json['runId']);
}

describe('marks', () => {
  it('writes <runFolder>/marks/<kind>.json atomically with kind, by, note and at; the first mark of a kind stands', async () => {
    const h = (serve = await startServeHarness());
    const runId = await startAlpha(h);
    const before = Date.now();
    const detected = await h.request('POST', `/api/runs/${runId}/marks`, {
      body: { kind: 'detected', by: 'alice', note: 'pager fired' },
    });
    expect(detected.status).toBe(201);
    expect(detected.json['file']).toBe('marks/detected.json');
    const folder = join(h.runsDir, runId);
    const mark = JSON.parse(readFileSync(join(folder, 'marks', 'detected.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(Object.keys(mark)).toEqual(['kind', 'by', 'note', 'at']);
    expect(mark).toMatchObject({ kind: 'detected', by: 'alice', note: 'pager fired' });
    expect(mark['at']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Date.parse(mark['at'] ?? '')).toBeGreaterThanOrEqual(before - 5);
    expect(Date.parse(mark['at'] ?? '')).toBeLessThanOrEqual(Date.now() + 5);
    // the reader the manual detector polls with accepts it
    expect(parseMark(readFileSync(join(folder, 'marks', 'detected.json'), 'utf8'), 'detected')).toMatchObject(
      {
        state: 'ok',
        mark: { kind: 'detected', by: 'alice', note: 'pager fired' },
      },
    );

    const again = await h.request('POST', `/api/runs/${runId}/marks`, {
      body: { kind: 'detected', by: 'bob' },
    });
    expect(again.status).toBe(409);
    expect(again.json['error']).toMatch(/already marked detected; the first mark stands/);
    expect(JSON.parse(readFileSync(join(folder, 'marks', 'detected.json'), 'utf8'))).toMatchObject({
      by: 'alice',
    });

    const decided = await h.request('POST', `/api/runs/${runId}/marks`, {
      body: { kind: 'decided', by: '  carol ' },
    });
    expect(decided.status).toBe(201);
    expect(JSON.parse(readFileSync(join(folder, 'marks', 'decided.json'), 'utf8'))).toMatchObject({
      kind: 'decided',
      by: 'carol',
      note: '',
    });

    for (const body of [
      { kind: 'recovered', by: 'x' },
      { kind: 'detected' },
      { kind: 'detected', by: '' },
      { kind: 'detected', by: 'x', at: 'yesterday' },
    ]) {
      const bad = await h.request('POST', `/api/runs/${runId}/marks`, { body });
      expect(bad.status, JSON.stringify(body)).toBe(400);
    }
    h.drills.finish(runId);
    await h.finished(runId);
    const late = await h.request('POST', `/api/runs/${runId}/marks`, {
      body: { kind: 'decided', by: 'dave' },
    });
    expect(late.status).toBe(409);
    expect(late.json['error']).toMatch(/already finished/);
  });

  it('lets exactly one of several simultaneous marks of a kind through', async () => {
    const h = (serve = await startServeHarness());
    const runId = await startAlpha(h);
    const responses = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((by) =>
        h.request('POST', `/api/runs/${runId}/marks`, { body: { kind: 'decided', by } }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const winner = responses.find((r) => r.status === 201)?.json['mark'] as { by: string };
    const onDisk = JSON.parse(readFileSync(join(h.runsDir, runId, 'marks', 'decided.json'), 'utf8')) as {
      by: string;
    };
    expect(onDisk.by).toBe(winner.by);
    h.drills.finish(runId);
  });

  it('marks a run that another process runs (its folder exists, no run.json yet), and 404s an unknown run', async () => {
    const h = (serve = await startServeHarness());
    const elsewhere = '20261122T050000Z-cli-drill-beef';
    mkdirSync(join(h.runsDir, elsewhere), { recursive: true });
    const marked = await h.request('POST', `/api/runs/${elsewhere}/marks`, {
      body: { kind: 'detected', by: 'alice' },
    });
    expect(marked.status).toBe(201);
    expect(existsSync(join(h.runsDir, elsewhere, 'marks', 'detected.json'))).toBe(true);
    const unknown = await h.request('POST', '/api/runs/20261122T050000Z-nothing-0000/marks', {
      body: { kind: 'detected', by: 'a' },
    });
    expect(unknown.status).toBe(404);
  });
});

describe('abort', () => {
  it('aborts a running drill: the drill stops, cleans up and saves a record with result aborted', async () => {
    const h = (serve = await startServeHarness());
    const runId = await startAlpha(h);
    const finished = h.finished(runId);
    const response = await h.request('POST', `/api/runs/${runId}/abort`, {
      body: { by: 'bob', reason: 'wrong window' },
    });
    expect(response.status).toBe(202);
    expect(response.json).toEqual({
      runId,
      status: 'aborting',
      reason: 'aborted through the API by bob: wrong window',
    });
    const record = await finished;
    expect(record?.result).toBe('aborted');
    const saved = runRecordSchema.parse(JSON.parse(readFileSync(join(h.runsDir, runId, 'run.json'), 'utf8')));
    expect(saved.result).toBe('aborted');
    expect(saved.reason).toBe('aborted through the API by bob: wrong window');
    expect(existsSync(join(h.runsDir, runId, 'report.md'))).toBe(true);

    const lookup = await h.request('GET', `/api/runs/${runId}`);
    expect(lookup.json).toMatchObject({ runId, status: 'finished', result: 'aborted' });
    expect((await h.request('POST', `/api/runs/${runId}/abort`)).status).toBe(409);
    expect((await h.request('POST', '/api/runs/20261122T050000Z-nothing-0000/abort')).status).toBe(404);
  });

  it('takes an abort without a body', async () => {
    const h = (serve = await startServeHarness());
    const runId = await startAlpha(h);
    const finished = h.finished(runId);
    const response = await h.request('POST', `/api/runs/${runId}/abort`);
    expect(response.status).toBe(202);
    expect((await finished)?.reason).toBe('aborted through the API');
  });
});

describe('runs and reports', () => {
  it('lists running and finished runs newest first, with paging and filters; counts unreadable records', async () => {
    const h = (serve = await startServeHarness());
    for (const spec of SHOP_AND_API) writeRecord(h.runsDir, recordFor(spec));
    mkdirSync(join(h.runsDir, '20261101T000000Z-broken-0000'));
    writeFileSync(join(h.runsDir, '20261101T000000Z-broken-0000', 'run.json'), '{"trunc');
    const runId = await startAlpha(h);

    const all = await h.request('GET', '/api/runs');
    expect(all.json).toMatchObject({
      total: 6,
      offset: 0,
      limit: 50,
      nextOffset: null,
      unreadableRecords: 1,
    });
    const runs = all.json['runs'] as { runId: string; status: string; phase?: string }[];
    expect(runs[0]).toMatchObject({ runId, status: 'running', phase: 'baseline', origin: 'api' });
    expect(runs.slice(1).map((r) => r.runId)).toEqual(SHOP_AND_API.map((s) => s.id).reverse());

    const page = await h.request('GET', '/api/runs?limit=2&offset=2');
    expect(page.json).toMatchObject({ total: 6, offset: 2, limit: 2, nextOffset: 4 });
    expect((page.json['runs'] as { runId: string }[]).map((r) => r.runId)).toEqual([
      SHOP_AND_API[3]?.id,
      SHOP_AND_API[2]?.id,
    ]);

    const failed = await h.request('GET', '/api/runs?service=shop&result=failed');
    expect(
      (failed.json['runs'] as { runId: string; status: string }[]).map((r) => [r.runId, r.status]),
    ).toEqual([[SHOP_AND_API[2]?.id, 'failed']]);
    const running = await h.request('GET', '/api/runs?result=running');
    expect(running.json['total']).toBe(1);
    for (const bad of ['limit=0', 'limit=501', 'offset=-1', 'result=exploded', 'bogus=1', 'limit=abc']) {
      expect((await h.request('GET', `/api/runs?${bad}`)).status, bad).toBe(400);
    }
    const one = await h.request('GET', `/api/runs/${runId}`);
    expect(one.json).toMatchObject({ runId, status: 'running', run: { scenario: 'alpha', service: 'shop' } });
    h.drills.finish(runId);
  });

  it('serves the report as markdown by default, other formats from the renderer map, and refuses unknown ones', async () => {
    const h = (serve = await startServeHarness({
      reports: {
        markdown: { contentType: 'text/markdown; charset=utf-8', render: (r) => `# report ${r.runId}\n` },
        html: { contentType: 'text/html; charset=utf-8', render: (r) => `<h1>${r.runId}</h1>` },
      },
    }));
    const runId = await startAlpha(h);
    const early = await h.request('GET', `/api/runs/${runId}/report`);
    expect(early.status).toBe(409);
    h.drills.finish(runId, 'failed');
    await h.finished(runId);

    const markdown = await h.request('GET', `/api/runs/${runId}/report`);
    expect(markdown.status).toBe(200);
    expect(markdown.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(markdown.text).toBe(`# report ${runId}\n`);
    const html = await h.request('GET', `/api/runs/${runId}/report?format=html`);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.text).toBe(`<h1>${runId}</h1>`);
    const junit = await h.request('GET', `/api/runs/${runId}/report?format=junit`);
    expect(junit.status).toBe(400);
    expect(junit.json).toEqual({ error: 'unknown report format "junit"', formats: ['markdown', 'html'] });
    const proto = await h.request('GET', `/api/runs/${runId}/report?format=constructor`);
    expect(proto.status).toBe(400);
    expect((await h.request('GET', '/api/runs/20261122T050000Z-nothing-0000/report')).status).toBe(404);
  });

  it('renders the built-in markdown postmortem of a finished run', async () => {
    const h = (serve = await startServeHarness());
    const runId = await startAlpha(h);
    h.drills.finish(runId);
    await h.finished(runId);
    const report = await h.request('GET', `/api/runs/${runId}/report?format=markdown`);
    expect(report.text).toMatch(/^# Rollback drill: alpha — PASSED/);
    const record = await h.request('GET', `/api/runs/${runId}`);
    expect(runRecordSchema.parse(record.json['record']).runId).toBe(runId);
  });

  it('lists the scenarios with their problems, leaving out files of other kinds', async () => {
    const h = (serve = await startServeHarness());
    const response = await h.request('GET', '/api/scenarios');
    const scenarios = response.json['scenarios'] as {
      name: string;
      file: string;
      service: string;
      target: string;
      fault: string;
    }[];
    expect(scenarios.map((s) => [s.name, s.file, s.service, s.target, s.fault])).toEqual([
      ['alpha', 'alpha.yaml', 'shop', 'embedded', 'release'],
      ['beta', 'beta.yaml', 'shop', 'embedded', 'release'],
      ['gamma', 'gamma.yml', 'api', 'embedded', 'release'],
    ]);
    const problems = response.json['problems'] as { fileName: string; message: string }[];
    expect(problems.map((p) => p.fileName)).toEqual(['broken.yaml']);
    expect(problems[0]?.message).toMatch(/^broken\.yaml:\d+:\d+: /);
  });
});

describe('graceful shutdown', () => {
  it('aborts running drills, waits for their records, and refuses new drills meanwhile', async () => {
    const h = await startServeHarness();
    const alpha = await startAlpha(h);
    const gamma = String(
      (await h.request('POST', '/api/runs', { body: { scenario: 'gamma' } })).json['runId'],
    );
    await h.daemon.shutdown('serve stopped by SIGTERM');
    for (const runId of [alpha, gamma]) {
      const record = runRecordSchema.parse(
        JSON.parse(readFileSync(join(h.runsDir, runId, 'run.json'), 'utf8')),
      );
      expect(record.result).toBe('aborted');
      expect(record.reason).toBe('serve stopped by SIGTERM');
    }
    expect(h.daemon.supervisor.list()).toEqual([]);
    const refused = await h.daemon.supervisor.start(
      h.drills.launches[0]?.scenario ?? (undefined as never),
      'x',
      'api',
    );
    expect(refused).toEqual({ started: false, reason: 'shutting-down' });
    await expect(fetch(`${h.url}/healthz`)).rejects.toThrow();
    await h.stop();
  });
});
