// The product doc's labels for option values, so every screen says "PyTorch", never "pytorch".
import {
  frameworkOptions,
  licenseOptions,
  modelTypeOptions,
  stageOptions,
  statusOptions,
  taskTypeOptions,
} from '@modelreg/contract/options'

export { frameworkOptions, licenseOptions, modelTypeOptions, stageOptions, statusOptions, taskTypeOptions }

type Options = Record<string, string>
export const optionData = (o: Options) => Object.entries(o).map(([value, label]) => ({ value, label }))

/** The label of a choice; "Others" shows the free text given with it. */
export function label(o: Options, value: string | null | undefined, other?: string | null): string {
  if (!value) return '—'
  if (value === 'others' && other) return other
  return o[value] ?? value
}

export const stageColor: Record<string, string> = {
  development: 'gray',
  staging: 'yellow',
  production: 'green',
  archived: 'dark',
}
export const statusColor: Record<string, string> = {
  draft: 'gray',
  training: 'blue',
  completed: 'teal',
  deployed: 'green',
  archived: 'dark',
}
