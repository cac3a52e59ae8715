import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { renderUi } from '../test/render'
import { CreateModelModal } from './CreateModelModal'

const post = vi.hoisted(() => vi.fn())
vi.mock('../api/http', async (original) => ({ ...(await original<object>()), api: { POST: post } }))
vi.mock('../auth/session', () => ({
  useSession: () => ({ session: { orgs: [{ org: 'default', role: 'member' }] } }),
}))

function renderDialog() {
  const client = new QueryClient({ defaultOptions: { mutations: { retry: false } } })
  renderUi(
    <QueryClientProvider client={client}>
      <CreateModelModal opened onClose={() => undefined} />
    </QueryClientProvider>,
  )
}

const field = (name: string) => screen.getByLabelText(new RegExp(`^${name}( \\*)?$`))

beforeEach(() => {
  post.mockReset()
  Element.prototype.scrollIntoView = vi.fn()
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
    post.mockResolvedValue({
      error: { error: { code: 'ALREADY_EXISTS', message: 'a model named "bert" already exists' } },
      response: new Response(null, { status: 409 }),
    })
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
