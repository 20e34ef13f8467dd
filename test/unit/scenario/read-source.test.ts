import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../harness/scenario/load.js';
import { readScenarioText } from '../../../harness/scenario/read-source.js';
import { BROKEN, FIXTURES, issuesOf } from './helpers.js';

/** A reader failing like fs does, for failures a root user cannot cause with file permissions. */
function failingReader(code: string) {
  return () => Promise.reject(Object.assign(new Error(`${code}: simulated, open 'x'`), { code }));
}

describe('reading scenario files', () => {
  it('a file that does not exist: names the path and where it was looked for', async () => {
    const issues = await issuesOf(() => loadScenarioFile('no/such/drill.yaml'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'no/such/drill.yaml', path: '' });
    expect(issues[0]?.message).toMatch(/^no such file \(looked for \/.*no\/such\/drill\.yaml\)$/);
    expect(issues[0]?.line).toBeUndefined();
  });

  it('a directory', async () => {
    const [issue] = await issuesOf(() => loadScenarioFile(BROKEN));
    expect(issue).toEqual({
      file: BROKEN,
      path: '',
      message: 'is a directory, not a file: expected a scenario YAML file',
    });
  });

  it.each([
    ['EACCES', 'permission denied: cannot read the file'],
    ['EPERM', 'permission denied: cannot read the file'],
    ['ENOTDIR', 'a part of the path is a file, not a directory'],
    ['EIO', 'cannot read the file (EIO)'],
  ])('an unreadable file (%s)', async (code, message) => {
    const issues = await issuesOf(() =>
      loadScenarioFile('/srv/drill.yaml', { readFile: failingReader(code) }),
    );
    expect(issues).toEqual([{ file: '/srv/drill.yaml', path: '', message }]);
  });

  it('an error without an errno code is a bug and is rethrown as it is', async () => {
    const bug = new TypeError('not a user mistake');
    await expect(readScenarioText('x.yaml', () => Promise.reject(bug))).rejects.toBe(bug);
  });

  it('decodes UTF-8 and drops a byte-order mark', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('name: café\n')]);
    await expect(readScenarioText('x.yaml', () => Promise.resolve(bytes))).resolves.toBe('name: café\n');
  });

  it('the loaded source is the text of the file', async () => {
    const { source } = await loadScenarioFile(`${FIXTURES}valid-minimal.yaml`);
    expect(source.startsWith('# yaml-language-server: $schema=../../../scenarios/schema.json\n')).toBe(true);
  });
});
