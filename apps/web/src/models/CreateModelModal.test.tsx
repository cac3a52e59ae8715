import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { failure, fakeApi, renderUi } from '../test/render'
import { CreateModelModal } from './CreateModelModal'

const post = vi.fn()

function renderDialog() {
  renderUi(<CreateModelModal opened onClose={() => undefined} />)
}

const field = (name: string) => screen.getByLabelText(new RegExp(`^${name}( \\*)?$`))

beforeEach(() => {
  post.mockReset()
  fakeApi({ POST: post })
  vi.spyOn(Element.prototype, 'scrollIntoView')
})

describe('CreateModelModal', () => {
  it('an empty submit moves the focus to the first field in error and scrolls it into view', async () => {
    renderDialog()
    await userEvent.click(field('Description'))
    await userEvent.click(screen.getByRole('button', { name: 'Create Model' }))
    await waitFor(() => expect(field('Model Name')).toHaveFocus())
    expect(field('Model Name')).toHaveAttribute('aria-invalid', 'true')
    expect(field('Model Name').scrollIntoView).toHaveBeenCalled()
    expect(post).not.toHaveBeenCalled()
  })

  it('a name clash from the server lands on Model Name, focused and scrolled to', async () => {
    post.mockResolvedValue(failure(409, 'ALREADY_EXISTS', 'a model named "bert" already exists'))
    renderDialog()
    await userEvent.type(field('Model Name'), 'bert')
    await userEvent.selectOptions(field('Framework'), 'onnx')
    await userEvent.click(screen.getByRole('button', { name: 'Create Model' }))
    await waitFor(() => expect(field('Model Name')).toHaveFocus())
    expect(field('Model Name')).toHaveAttribute('aria-invalid', 'true')
    expect(screen.getByText(/already exists/)).toBeInTheDocument()
    expect(field('Model Name').scrollIntoView).toHaveBeenCalled()
  })
})
