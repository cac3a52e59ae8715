import { screen, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { fakeApi, ok, renderUi } from '../test/render'
import { KeyTagsSection } from './KeyTagsSection'

const keyTags = {
  description: 'Ranks search results.\nTrained nightly.',
  tags: [
    { key: 'owner', value: 'mina' },
    { key: 'team', value: 'search' },
  ],
  versions: [
    { version: '1.2.0', tags: [{ key: 'validated', value: 'true' }] },
    { version: '1.0.0', tags: [{ key: 'dataset', value: 'v1' }] },
  ],
}

describe('KeyTagsSection', () => {
  it('shows the model description, the model tags and the tags of the version on screen only', async () => {
    const get = vi.fn(async (_path: string, _init?: unknown) => ok(keyTags))
    fakeApi({ GET: get })
    renderUi(<KeyTagsSection org="default" name="ranker" version="1.2.0" />)
    const modelTags = await screen.findByRole('table', { name: 'Model tags' })
    expect(within(modelTags).getByText('owner')).toBeTruthy()
    expect(within(modelTags).getByText('search')).toBeTruthy()
    expect(screen.getByLabelText('Model description').textContent).toBe('Ranks search results.\nTrained nightly.')
    const versionTags = screen.getByRole('table', { name: 'Tags of version 1.2.0' })
    expect(within(versionTags).getByText('validated')).toBeTruthy()
    expect(screen.queryByText('dataset')).toBeNull()
    expect(get.mock.calls[0]?.[0]).toBe('/api/v1/models/{org}/{name}/key-tags')
    expect(get.mock.calls[0]?.[1]).toMatchObject({ params: { path: { org: 'default', name: 'ranker' } } })
  })

  it('shows nothing when MLflow set neither a description nor tags', async () => {
    const get = vi.fn(async () => ok({ description: '', tags: [], versions: [{ version: '1.0.0', tags: [] }] }))
    fakeApi({ GET: get })
    renderUi(<KeyTagsSection org="default" name="ranker" version="1.2.0" />)
    await vi.waitFor(() => expect(get).toHaveBeenCalled())
    expect(screen.queryByRole('heading', { name: 'MLflow description and tags' })).toBeNull()
  })
})
