// Factories: build request bodies with the product doc's example values, overridable per test.
import type { CreateModelBody } from '@modelreg/contract'

let n = 0
export const uniqueName = (prefix = 'model') => `${prefix}-${process.pid}-${++n}`

/** The product doc's Example Configuration, as the API takes it. */
export function exampleModel(overrides: Partial<CreateModelBody> = {}): CreateModelBody {
  return {
    name: 'resnet50-imagenet-v1',
    version: '1.0.0',
    description: 'ResNet50 trained on ImageNet-1K, 76.5% top-1 accuracy',
    framework: 'pytorch',
    taskType: 'classification',
    modelType: 'custom',
    status: 'draft',
    tags: ['computer-vision', 'production'],
    author: 'ML Team',
    license: 'mit',
    publicAccess: true,
    ...overrides,
  }
}
