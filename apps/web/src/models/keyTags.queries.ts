// What MLflow clients set on a model besides its versions' fields: the description and key/value tags of the model
// and of its versions, keyed under the model so refreshModel() asks again.
import { queryOptions, useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/http'
import { modelKeys } from './models.queries'

export const keyTagQueries = {
  ofModel: (org: string, name: string) =>
    queryOptions({
      queryKey: [...modelKeys.detail(org, name), 'key-tags'] as const,
      queryFn: async () =>
        unwrap(await api.GET('/api/v1/models/{org}/{name}/key-tags', { params: { path: { org, name } } })),
    }),
}

export const useKeyTags = (org: string, name: string) => useQuery(keyTagQueries.ofModel(org, name))
