export type * from '@modelreg/contract'
export { type ClientOptions, ModelregClient } from './client.js'
export { ModelregError } from './errors.js'
