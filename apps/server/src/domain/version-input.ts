// The version fields shared by Create Model and New Version, normalised and checked once.
import { type CreateVersionBody, defaults, type License, type Status } from '@modelreg/contract'
import { ValidationError } from '../errors.js'
import { multiLine, normaliseTags, otherValue, singleLine } from './choices.js'
import { checkModelName, checkOrgName, parseModelRef } from './names.js'
import { parseVersion } from './version-number.js'

export interface VersionInput {
  description: string
  status: Status
  author: string
  license: License | null
  licenseOther: string | null
  tags: string[]
  metrics: Record<string, number>
  source: { runUrl?: string; commit?: string; datasets?: string[] }
  baseModel: string | null
}

export function versionInput(body: Omit<CreateVersionBody, 'version'>): VersionInput {
  return {
    description: multiLine('description', body.description ?? ''),
    status: body.status ?? defaults.status,
    author: singleLine('author', body.author ?? ''),
    license: body.license ?? null,
    licenseOther: otherValue('license', body.license, body.licenseOther),
    tags: normaliseTags(body.tags ?? []),
    metrics: body.metrics ?? {},
    source: body.source ?? {},
    baseModel: body.baseModel === undefined ? null : checkBaseModel(body.baseModel),
  }
}

/** Lineage reference "org/name@version", pinned to a version (not "latest"). */
export function checkBaseModel(ref: string): string {
  const at = ref.lastIndexOf('@')
  if (at <= 0) {
    throw new ValidationError(`baseModel "${ref}" must be org/name@version, e.g. default/resnet50@1.0.0`, {
      field: 'baseModel',
    })
  }
  const { org, name } = parseModelRef(ref.slice(0, at), 'baseModel')
  checkOrgName(org)
  checkModelName(name)
  parseVersion(ref.slice(at + 1), 'baseModel')
  return ref
}
