import { describe, expect, it } from 'vitest'
import { FilterError, modelFilterSpec, parseFilter, parseRunFilter, versionFilterSpec } from './mlflow-filter.js'

describe('MLflow search filter', () => {
  it('reads name comparisons with either quote and any case of LIKE', () => {
    expect(parseFilter(`name = 'a'`, modelFilterSpec)).toEqual([
      { kind: 'attribute', key: 'name', op: '=', value: 'a' },
    ])
    expect(parseFilter(`name like "res%"`, modelFilterSpec)).toEqual([
      { kind: 'attribute', key: 'name', op: 'LIKE', value: 'res%' },
    ])
    expect(parseFilter(`attributes.name ILIKE '%Net'`, modelFilterSpec)[0]).toMatchObject({ op: 'ILIKE' })
  })

  it('reads tags with tag./tags. prefixes and backquoted keys, joined by AND', () => {
    expect(parseFilter("tags.team = 'vision' AND tag.`my key` != 'x' and name != 'b'", modelFilterSpec)).toEqual([
      { kind: 'tag', key: 'team', op: '=', value: 'vision' },
      { kind: 'tag', key: 'my key', op: '!=', value: 'x' },
      { kind: 'attribute', key: 'name', op: '!=', value: 'b' },
    ])
    expect(parseFilter("tags.`mlflow.prompt.is_prompt` != 'true'", modelFilterSpec)[0]).toMatchObject({
      key: 'mlflow.prompt.is_prompt',
    })
  })

  it('takes run_id IN (...) and numeric version_number on versions', () => {
    expect(parseFilter(`run_id IN ('a', 'b') AND version_number >= 2`, versionFilterSpec)).toEqual([
      { kind: 'attribute', key: 'run_id', op: 'IN', value: ['a', 'b'] },
      { kind: 'attribute', key: 'version_number', op: '>=', value: 2 },
    ])
    expect(parseFilter(`source_path = 'mlflow-artifacts:/x'`, versionFilterSpec)).toHaveLength(1)
  })

  it('is empty for a blank filter', () => {
    expect(parseFilter(undefined, modelFilterSpec)).toEqual([])
    expect(parseFilter('   ', modelFilterSpec)).toEqual([])
  })

  it.each([
    [`name = 'a' OR name = 'b'`, modelFilterSpec],
    [`(name = 'a')`, modelFilterSpec],
    [`name IN ('a')`, modelFilterSpec],
    [`run_id IN ('a')`, modelFilterSpec],
    [`params.lr = '1'`, modelFilterSpec],
    [`description = 'x'`, modelFilterSpec],
    [`name = 'unterminated`, modelFilterSpec],
    [`name = `, modelFilterSpec],
    [`name > 'a'`, modelFilterSpec],
    [`version_number LIKE '1'`, versionFilterSpec],
    [`version_number = 'x'`, versionFilterSpec],
    [`tags.a IN ('x')`, modelFilterSpec],
    [`name = 'a' name = 'b'`, modelFilterSpec],
    [`name = 'a'; drop table models`, modelFilterSpec],
    [`NOT name = 'a'`, modelFilterSpec],
  ])('refuses %s', (filter, spec) => {
    expect(() => parseFilter(filter, spec)).toThrow(FilterError)
  })

  it('reads search_runs filters: metrics, params, tags and attributes, with the prefixes MLflow clients send', () => {
    expect(
      parseRunFilter(
        "metrics.acc > 0.9 AND params.lr = '0.01' AND tags.`mlflow.runName` LIKE 'r%' AND attributes.status = 'FINISHED'" +
          " AND attribute.start_time >= 5 AND metric.`val loss` <= -1.5 AND run_id IN ('a', 'b')",
      ),
    ).toEqual([
      { kind: 'metric', key: 'acc', op: '>', value: 0.9 },
      { kind: 'param', key: 'lr', op: '=', value: '0.01' },
      { kind: 'tag', key: 'mlflow.runName', op: 'LIKE', value: 'r%' },
      { kind: 'attribute', key: 'status', op: '=', value: 'FINISHED' },
      { kind: 'attribute', key: 'start_time', op: '>=', value: 5 },
      { kind: 'metric', key: 'val loss', op: '<=', value: -1.5 },
      { kind: 'attribute', key: 'run_id', op: 'IN', value: ['a', 'b'] },
    ])
    expect(parseRunFilter("attributes.run_name ILIKE '%Night%'")[0]).toMatchObject({ key: 'run_name', op: 'ILIKE' })
    expect(parseRunFilter('  ')).toEqual([])
  })

  it('refuses run filters the grammar does not allow, as FilterError', () => {
    for (const bad of [
      "metrics.acc > '0.9'",
      'metrics.acc LIKE 1',
      'params.lr > 1',
      "attributes.artifact_uri = 'x'",
      "attributes.status IN ('A')",
      "start_time = 'x'",
      'start_time > 1.5',
      "datasets.name = 'x'",
      "params.lr = '1' OR params.lr = '2'",
      'metrics.acc > 0.9 AND',
    ]) {
      expect(() => parseRunFilter(bad), bad).toThrow(FilterError)
    }
    // Registry searches do not take metrics or params.
    expect(() => parseFilter('metrics.acc > 1', modelFilterSpec)).toThrow(FilterError)
  })
})
