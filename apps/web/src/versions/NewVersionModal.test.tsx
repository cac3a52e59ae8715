import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { exampleModel, exampleVersion, fakeApi, ok, renderUi } from '../test/render'
import { NewVersionModal } from './NewVersionModal'

const post = vi.fn()

const model = exampleModel({
  latestVersion: exampleVersion({
    description: 'ResNet50 on ImageNet',
    stage: 'production',
    tags: ['computer-vision', 'production'],
    author: 'ML Team',
    license: 'mit',
  }),
  topStage: { stage: 'production', version: '1.0.0' },
})

const field = (name: string) => screen.getByLabelText(new RegExp(`^${name}( \\*)?$`))

beforeEach(() => {
  post.mockReset()
  post.mockResolvedValue(ok({}, 201))
  fakeApi({ POST: post })
})

describe('NewVersionModal', () => {
  it('shows the carried Tags, Author and License, editable, and sends what it shows', async () => {
    const onClose = vi.fn()
    renderUi(<NewVersionModal opened model={model} onClose={onClose} />)
    expect(field('Description')).toHaveValue('ResNet50 on ImageNet')
    expect(field('Tags')).toHaveValue('computer-vision, production')
    expect(field('Author')).toHaveValue('ML Team')
    expect(field('License')).toHaveValue('mit')
    await userEvent.clear(field('Author'))
    await userEvent.type(field('Author'), 'Vision Team')
    await userEvent.clear(field('Tags'))
    await userEvent.type(field('Tags'), 'cv')
    await userEvent.selectOptions(field('License'), '')
    await userEvent.click(screen.getByRole('button', { name: 'Create' }))
    await waitFor(() => expect(onClose).toHaveBeenCalledWith('1.1.0'))
    const body = post.mock.calls[0]?.[1]?.body
    expect(body).toMatchObject({
      version: '1.1.0',
      description: 'ResNet50 on ImageNet',
      tags: ['cv'],
      author: 'Vision Team',
    })
    expect(body.license).toBeUndefined()
  })
})
