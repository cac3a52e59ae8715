// The API's option values for commander's .choices(): one list, the contract's, never a copy.
import {
  frameworkOptions,
  keysOf,
  licenseOptions,
  modelTypeOptions,
  stageOptions,
  statusOptions,
  taskTypeOptions,
} from '@modelreg/sdk'

export const frameworks = keysOf(frameworkOptions)
export const taskTypes = keysOf(taskTypeOptions)
export const modelTypes = keysOf(modelTypeOptions)
export const statuses = keysOf(statusOptions)
export const stages = keysOf(stageOptions)
export const licenses = keysOf(licenseOptions)
