/** Extracting a dashboard's queries and interpolating Grafana variables, as the proof test relies on. */
import { describe, expect, it } from 'vitest';
import {
  allPanels,
  annotationQueries,
  interpolate,
  panelQueries,
  variableQueries,
  variablesIn,
  type DashboardJson,
} from '../../../dashboards/src/panel-queries.js';

const DASHBOARD: DashboardJson = {
  uid: 'd',
  title: 'D',
  panels: [
    {
      id: 1,
      type: 'stat',
      title: 'S',
      targets: [{ refId: 'A', expr: 'up{a=~"$service"}', instant: true, range: false }],
    },
    {
      id: 2,
      type: 'row',
      title: 'collapsed',
      panels: [
        {
          id: 3,
          type: 'timeseries',
          title: 'T',
          targets: [{ refId: 'B', expr: 'rate(x[$__rate_interval])', range: true }],
        },
      ],
    },
  ],
  annotations: { list: [{ name: 'phases', expr: 'p * 1000' }, { name: 'built-in' }] },
  templating: {
    list: [
      { name: 'datasource', type: 'datasource', query: 'prometheus' },
      { name: 'service', type: 'query', query: 'label_values(up{env=~"$environment"}, service)' },
    ],
  },
};

const VALUES = {
  variables: { service: 'shop', environment: '.*' },
  rangeSeconds: 90.2,
  intervalSeconds: 5,
  scrapeIntervalSeconds: 1,
};

describe('panelQueries / annotationQueries / variableQueries', () => {
  it('finds panels inside collapsed rows and tells instant from range targets', () => {
    expect(allPanels(DASHBOARD).map((p) => p.id)).toEqual([1, 2, 3]);
    expect(panelQueries(DASHBOARD)).toEqual([
      { dashboard: 'd', where: 'panel 1 "S" query A', expr: 'up{a=~"$service"}', kind: 'instant' },
      { dashboard: 'd', where: 'panel 3 "T" query B', expr: 'rate(x[$__rate_interval])', kind: 'range' },
    ]);
  });

  it('runs annotations with an expression as range queries and skips the others', () => {
    expect(annotationQueries(DASHBOARD)).toEqual([
      { dashboard: 'd', where: 'annotation "phases"', expr: 'p * 1000', kind: 'range' },
    ]);
  });

  it('parses label_values(selector, label) variables and refuses anything else', () => {
    expect(variableQueries(DASHBOARD)).toEqual([
      { dashboard: 'd', variable: 'service', match: 'up{env=~"$environment"}', label: 'service' },
    ]);
    expect(() =>
      variableQueries({
        uid: 'x',
        title: 'X',
        templating: { list: [{ name: 'v', type: 'query', query: 'query_result(up)' }] },
      }),
    ).toThrow(/variable v is not label_values/);
  });
});

describe('interpolate', () => {
  it('replaces $name and ${name} with the variable values', () => {
    expect(interpolate('a{s=~"$service", e=~"${environment}"}', VALUES)).toBe('a{s=~"shop", e=~".*"}');
  });

  it('turns $__range and $__interval into whole seconds', () => {
    expect(interpolate('increase(x[$__range]) + increase(x[$__interval])', VALUES)).toBe(
      'increase(x[91s]) + increase(x[5s])',
    );
  });

  it('makes $__rate_interval max(interval + scrape, 4 × scrape), as Grafana does', () => {
    expect(interpolate('[$__rate_interval]', VALUES)).toBe('[6s]');
    expect(
      interpolate('[$__rate_interval]', { ...VALUES, intervalSeconds: 1, scrapeIntervalSeconds: 15 }),
    ).toBe('[60s]');
  });

  it('refuses a variable it does not know instead of querying for it literally', () => {
    expect(() => interpolate('x{s=~"$servce"}', VALUES)).toThrow('unknown variable $servce');
  });

  it('lists the variables an expression uses', () => {
    expect(variablesIn('a{b=~"$x", c=~"${y}"}[$__range]')).toEqual(['x', 'y', '__range']);
  });
});
