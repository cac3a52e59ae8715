import type { Deployment } from '@modelreg/contract'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { ReactElement } from 'react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { exampleModel, exampleVersion, failure, fakeApi, memberSession, ok, renderUi } from '../test/render'
import { DeleteModelModal } from './DeleteModelModal'
import { MarkdownCard } from './ModelCard'
import { ModelDetailsPage } from './ModelDetailsPage'

const get = vi.fn()

const at = '2026-11-02T10:00:00.000Z'
const version = exampleVersion({ author: 'ML Team' })
const model = exampleModel({ latestVersion: version })
const deployment: Deployment = {
  id: '7',
  model: 'default/resnet',
  version: '1.0.0',
  environment: 'production',
  endpoint: null,
  status: 'active',
  startedBy: 'admin',
  startedAt: at,
  stoppedBy: null,
  stoppedAt: null,
}

const notFound = (message: string) => failure(404, 'NOT_FOUND', message)

let deployments: Deployment[] = []
beforeEach(() => {
  deployments = []
  get.mockReset()
  get.mockImplementation(async (path: string, opts?: { params?: { path?: { version?: string } } }) => {
    switch (path) {
      case '/api/v1/models/{org}/{name}':
        return ok(model)
      case '/api/v1/models/{org}/{name}/versions':
        return ok({ items: [version], nextCursor: null })
      case '/api/v1/models/{org}/{name}/versions/{version}':
        return opts?.params?.path?.version === '1.0.0' ? ok(version) : notFound('version not found')
      case '/api/v1/models/{org}/{name}/versions/{version}/stages':
        return ok({
          items: [{ from: null, to: 'development', actor: 'admin', comment: '', at, version: '1.0.0' }],
        })
      case '/api/v1/deployments':
        return ok({ items: deployments, nextCursor: null })
      case '/api/v1/models/{org}/{name}/key-tags':
        return ok({ description: '', tags: [], versions: [] })
      default:
        return ok({ items: [], nextCursor: null })
    }
  })
  fakeApi({ GET: get })
})

const admin = { ...memberSession, orgs: [{ org: 'default', role: 'admin' as const }] }
const renderWith = (ui: ReactElement, url = '/') => renderUi(ui, { url, path: '/models/:org/:name', session: admin })

describe('ModelDetailsPage', () => {
  it('says that a ?version= which does not exist does not exist, instead of a page of "—"', async () => {
    renderWith(<ModelDetailsPage />, '/models/default/resnet?version=9.9.9')
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('Version 9.9.9 does not exist')
    expect(within(alert).getByRole('link', { name: 'Show the latest version' })).toHaveAttribute(
      'href',
      '/models/default/resnet',
    )
    expect(screen.queryByRole('region', { name: 'Basic Information' })).toBeNull()
  })

  it('names the first lifecycle entry as the creation, not "— → Development"', async () => {
    renderWith(<ModelDetailsPage />, '/models/default/resnet')
    const lifecycle = await screen.findByRole('region', { name: 'Lifecycle' })
    expect(await within(lifecycle).findByText('Created in Development')).toBeInTheDocument()
    expect(within(lifecycle).queryByText(/—/)).toBeNull()
  })

  it('a section whose read fails says why, instead of a placeholder or "never deployed"', async () => {
    const answer = get.getMockImplementation()
    get.mockImplementation(async (path: string, init?: unknown) =>
      path.endsWith('/stages') || path === '/api/v1/deployments'
        ? failure(500, 'INTERNAL', 'the registry had a problem')
        : answer?.(path, init),
    )
    renderWith(<ModelDetailsPage />, '/models/default/resnet')
    for (const name of ['Lifecycle', 'Deployments']) {
      const section = await screen.findByRole('region', { name })
      expect(await within(section).findByRole('alert')).toHaveTextContent('the registry had a problem')
    }
    expect(screen.queryByText(/has never been deployed/)).toBeNull()
  })
})

describe('DeleteModelModal', () => {
  it('keeps the explanation and disables Delete while the model is deployed', async () => {
    deployments = [deployment]
    renderWith(<DeleteModelModal opened onClose={() => undefined} model={model} />)
    expect(
      await screen.findByText('You cannot delete a model that is currently deployed. Stop all deployments first.'),
    ).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Delete' })).toBeDisabled()
  })

  it('enables Delete when nothing is deployed', async () => {
    renderWith(<DeleteModelModal opened onClose={() => undefined} model={model} />)
    expect(await screen.findByText(/This deletes every version/)).toBeInTheDocument()
    await vi.waitFor(() => expect(screen.getByRole('button', { name: 'Delete' })).toBeEnabled())
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }))
  })
})

describe('MarkdownCard', () => {
  it('renders GitHub-flavoured tables and still drops raw HTML and script links', () => {
    renderUi(
      <MarkdownCard
        text={
          '| metric | value |\n| --- | --- |\n| top1 | 0.765 |\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n'
        }
      />,
    )
    const table = screen.getByRole('table')
    expect(within(table).getByRole('columnheader', { name: 'metric' })).toBeInTheDocument()
    expect(within(table).getByRole('cell', { name: '0.765' })).toBeInTheDocument()
    expect(screen.queryByText(/\| metric/)).toBeNull()
    expect(document.querySelector('script')).toBeNull()
    expect(screen.getByText('x').getAttribute('href') ?? '').not.toMatch(/javascript/i)
  })
})
