import { ModelKeyTags, ModelParams } from '@modelreg/contract'
import type { Services } from '../services/services.js'
import { type App, errors } from './route-types.js'

const tags = ['Models']

/** The key/value tags and description MLflow clients set, read natively (the model page shows them). */
export function keyTagRoutes(app: App, services: Services): void {
  app.get(
    '/api/v1/models/:org/:name/key-tags',
    {
      schema: {
        tags,
        summary: 'Key/value tags and description of a model and its versions',
        description:
          'The model-level description and the key/value tags of the model and of each version that has any, as ' +
          'MLflow clients set them (set_registered_model_tag, set_model_version_tag, update_registered_model); ' +
          'the same store the MLflow API reads. A model the caller may not see is 404.',
        params: ModelParams,
        response: { 200: ModelKeyTags, ...errors },
      },
    },
    async (req) => services.keyTags.ofModel(req.actor, req.params.org, req.params.name),
  )
}
