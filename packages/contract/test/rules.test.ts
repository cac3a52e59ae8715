import { describe, expect, it } from 'vitest'
import { CreateModelBody, TagsSchema, versionFields } from '../src/models.js'
import { isFrozen } from '../src/options.js'
import { isOrgName, MODEL_NAME_MAX, modelNameProblem, versionLimits } from '../src/rules.js'

describe('modelNameProblem', () => {
  it('accepts letters of any script, digits, spaces, dots, dashes and underscores', () => {
    for (const ok of [
      'resnet50-imagenet',
      'XGBoost House Prices',
      'v1.2_x',
      'é',
      'модель',
      'x'.repeat(MODEL_NAME_MAX),
    ]) {
      expect(modelNameProblem(ok), ok).toBeUndefined()
    }
  })
  it('judges the NFC form, so a decomposed accent is a letter', () => {
    expect(modelNameProblem('cafe\u0301')).toBeUndefined()
  })
  it('names what is wrong', () => {
    expect(modelNameProblem('.hidden')).toMatch(/must not start with "\."/)
    expect(modelNameProblem('a/b')).toMatch(/Model Name must be 1–128/)
    expect(modelNameProblem('x'.repeat(MODEL_NAME_MAX + 1))).toMatch(/1–128/)
    expect(modelNameProblem('trail ')).toBe('Model Name must not end with a space')
  })
})

describe('the other shared rules', () => {
  it('org names are lower case', () => {
    expect(isOrgName('vision-team')).toBe(true)
    expect(isOrgName('Vision')).toBe(false)
  })
  it('completed, deployed and archived versions are frozen; draft and training are not', () => {
    expect(['draft', 'training', 'completed', 'deployed', 'archived'].map(isFrozen)).toEqual([
      false,
      false,
      true,
      true,
      true,
    ])
  })
  it('the schemas read their limits from the same table', () => {
    // JSON Schema keywords, which TypeBox's static types do not list.
    const keywords = (schema: unknown) => schema as { maxItems?: number; maxLength?: number }
    expect(keywords(TagsSchema).maxItems).toBe(versionLimits.tags)
    expect(keywords(TagsSchema.items).maxLength).toBe(versionLimits.tagLength)
    expect(keywords(versionFields.author).maxLength).toBe(versionLimits.authorLength)
    expect(keywords(CreateModelBody.properties.name).maxLength).toBe(MODEL_NAME_MAX)
  })
})
