import { describe, expect, it } from 'vitest'
import {
  MlflowError,
  mlflowCodeOf,
  nextVersions,
  parseSource,
  sequenceOf,
  stageFromMlflow,
  stageToMlflow,
} from './mlflow-mapping.js'

describe('MLflow mapping', () => {
  it('maps None to Development and the other stages by name, any case in', () => {
    expect(stageToMlflow('development')).toBe('None')
    expect(stageToMlflow('production')).toBe('Production')
    expect(stageFromMlflow('None')).toBe('development')
    expect(stageFromMlflow('STAGING')).toBe('staging')
    expect(stageFromMlflow('archived')).toBe('archived')
    for (const s of ['development', 'staging', 'production', 'archived'])
      expect(stageFromMlflow(stageToMlflow(s))).toBe(s)
  })

  it('refuses unknown stages with INVALID_PARAMETER_VALUE', () => {
    expect(() => stageFromMlflow('Deleted_Internal')).toThrow(MlflowError)
    try {
      stageFromMlflow('prod')
    } catch (e) {
      expect((e as MlflowError).errorCode).toBe('INVALID_PARAMETER_VALUE')
      expect((e as MlflowError).status).toBe(400)
    }
  })

  it('reads version numbers as positive integers only', () => {
    expect(sequenceOf('1')).toBe(1)
    expect(sequenceOf('42')).toBe(42)
    for (const bad of ['0', '-1', '1.0', 'x', '', '1e3', '99999999999'])
      expect(() => sequenceOf(bad)).toThrow(MlflowError)
  })

  it('numbers MLflow registrations 1.0.0 then the next minor', () => {
    expect(nextVersions(null)).toBeNull()
    expect(nextVersions('1.0.0')?.minor).toBe('1.1.0')
    expect(nextVersions('2.3.4')?.minor).toBe('2.4.0')
  })

  it('gives already-exists 400 and refusals of state a 4xx that MLflow does not retry', () => {
    expect(mlflowCodeOf.ALREADY_EXISTS.code).toBe('RESOURCE_ALREADY_EXISTS')
    expect(mlflowCodeOf.NOT_FOUND.code).toBe('RESOURCE_DOES_NOT_EXIST')
    expect(mlflowCodeOf.MODEL_DEPLOYED.code).toBe('RESOURCE_CONFLICT')
    expect(mlflowCodeOf.VALIDATION_FAILED.code).toBe('INVALID_PARAMETER_VALUE')
  })

  it('finds the run and the path in runs:/ and mlflow-artifacts: sources', () => {
    const id = 'a'.repeat(32)
    expect(parseSource(`runs:/${id}/model`)).toEqual({ runId: id, path: 'model' })
    expect(parseSource(`runs:/${id}`)).toEqual({ runId: id, path: '' })
    expect(parseSource(`mlflow-artifacts:/3/${id}/artifacts/model`)).toEqual({ runId: id, path: 'model' })
    expect(parseSource('s3://bucket/model')).toBeUndefined()
  })
})
