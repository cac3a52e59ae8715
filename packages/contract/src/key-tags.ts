import { type Static, Type } from 'typebox'

export const KeyTag = Type.Object(
  { key: Type.String(), value: Type.String() },
  { description: 'A key/value tag (MLflow\u2019s tags on registered models and model versions).' },
)
export type KeyTag = Static<typeof KeyTag>

export const ModelKeyTags = Type.Object(
  {
    description: Type.String({
      description: 'The model-level description (MLflow\u2019s registered model description); empty when none.',
    }),
    tags: Type.Array(KeyTag, { description: 'The model\u2019s key/value tags, by key.' }),
    versions: Type.Array(
      Type.Object({
        version: Type.String(),
        tags: Type.Array(KeyTag, { description: 'By key.' }),
      }),
      { description: 'The versions that have key/value tags, newest first; versions without any are left out.' },
    ),
  },
  {
    description:
      'What MLflow clients set on a model besides its versions\u2019 fields: the description and key/value tags of ' +
      'the model and of its versions.',
  },
)
export type ModelKeyTags = Static<typeof ModelKeyTags>
