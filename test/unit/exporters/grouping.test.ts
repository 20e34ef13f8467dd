import { describe, expect, it } from 'vitest';
import {
  groupingFromRecord,
  groupingPath,
  groupUrl,
  redactUrl,
  splitCredentials,
} from '../../../exporters/pushgateway/grouping.js';
import { makeRunRecord } from '../../support/fixtures.js';

describe('Pushgateway grouping', () => {
  it('groups by job, scenario, service and environment — never the run id', () => {
    const grouping = groupingFromRecord(makeRunRecord());
    expect(grouping).toEqual({
      job: 'rollback_drill',
      scenario: 'checkout-bad-release',
      service: 'shop',
      environment: 'staging',
    });
    expect(groupingPath(grouping)).toBe(
      '/metrics/job/rollback_drill/scenario/checkout-bad-release/service/shop/environment/staging',
    );
    expect(groupingPath(grouping)).not.toContain(makeRunRecord().runId);
  });

  it('base64url-encodes values the path syntax cannot carry', () => {
    const path = groupingPath({
      job: 'rollback_drill',
      scenario: 's',
      service: 'a',
      environment: 'eu/prod 1',
    });
    expect(path).toBe(
      `/metrics/job/rollback_drill/scenario/s/service/a/environment@base64/${Buffer.from('eu/prod 1').toString('base64url')}`,
    );
    expect(groupingPath({ job: 'j', scenario: '..', service: '', environment: 'x' })).toBe(
      `/metrics/job/j/scenario@base64/${Buffer.from('..').toString('base64url')}/service@base64/=/environment/x`,
    );
  });

  it('joins the base URL without doubling slashes, keeping a path prefix', () => {
    const grouping = { job: 'j', scenario: 's', service: 'a', environment: 'e' };
    expect(groupUrl('http://gw:9091/', grouping)).toBe(
      'http://gw:9091/metrics/job/j/scenario/s/service/a/environment/e',
    );
    expect(groupUrl('https://proxy/pushgateway', grouping)).toBe(
      'https://proxy/pushgateway/metrics/job/j/scenario/s/service/a/environment/e',
    );
  });

  it('keeps credentials out of reports and sends them as basic auth', () => {
    expect(redactUrl('https://user:s3cret@gw.example:9091/metrics/job/x?token=abc')).toBe(
      'https://redacted@gw.example:9091/metrics/job/x?redacted',
    );
    expect(redactUrl('not a url')).toBe('(invalid URL)');
    const split = splitCredentials('https://user:p%40ss@gw.example:9091');
    expect(split.url).toBe('https://gw.example:9091/');
    expect(split.headers).toEqual({ authorization: `Basic ${Buffer.from('user:p@ss').toString('base64')}` });
    expect(splitCredentials('http://gw:9091').headers).toEqual({});
  });
});
