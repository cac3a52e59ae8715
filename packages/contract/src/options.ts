/** The product doc's option lists: API values (stable, lowercase) and the labels people see. */
export const frameworkOptions = {
  pytorch: 'PyTorch',
  tensorflow: 'TensorFlow',
  onnx: 'ONNX',
  'scikit-learn': 'Scikit-learn',
  others: 'Others',
} as const
export const taskTypeOptions = {
  classification: 'Classification',
  regression: 'Regression',
  detection: 'Detection',
  segmentation: 'Segmentation',
  others: 'Others',
} as const
export const modelTypeOptions = {
  custom: 'Custom',
  resnet: 'ResNet',
  bert: 'BERT',
  yolo: 'YOLO',
  others: 'Others',
} as const
export const statusOptions = {
  draft: 'Draft',
  training: 'Training',
  completed: 'Completed',
  deployed: 'Deployed',
  archived: 'Archived',
} as const
export const stageOptions = {
  development: 'Development',
  staging: 'Staging',
  production: 'Production',
  archived: 'Archived',
} as const
export const licenseOptions = {
  mit: 'MIT',
  'apache-2.0': 'Apache 2.0',
  gpl: 'GPL',
  proprietary: 'Proprietary',
  others: 'Others',
} as const

export type Framework = keyof typeof frameworkOptions
export type TaskType = keyof typeof taskTypeOptions
export type ModelType = keyof typeof modelTypeOptions
export type Status = keyof typeof statusOptions
export type Stage = keyof typeof stageOptions
export type License = keyof typeof licenseOptions

export const defaults = {
  version: '1.0.0',
  taskType: 'classification',
  modelType: 'custom',
  status: 'draft',
  stage: 'development',
  org: 'default',
} as const

/** Statuses whose content (artifacts, metrics) can no longer change. */
export const frozenStatuses: readonly Status[] = ['completed', 'deployed', 'archived']
/** True when a version in this status can no longer gain or lose artifacts or change its metrics. */
export const isFrozen = (status: string): boolean => (frozenStatuses as readonly string[]).includes(status)

export const keysOf = <T extends object>(o: T) => Object.keys(o) as (keyof T & string)[]
