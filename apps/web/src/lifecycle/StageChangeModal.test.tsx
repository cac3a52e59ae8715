import type { SessionInfo } from '@modelreg/contract'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { StartDeploymentModal } from '../deployments/StartDeploymentModal'
import { exampleVersion, type FakeAnswer, fakeApi, memberSession, ok, renderUi } from '../test/render'
import { StageChangeModal } from './StageChangeModal'

const _at = '2026-11-02T10:00:00.000Z'
const version = exampleVersion({ stage: 'staging', createdBy: 'ada', verdict: 'dangerous', format: 'pytorch' })
const adminSession: SessionInfo = { ...memberSession, username: 'olga', orgs: [{ org: 'default', role: 'admin' }] }

const refused = (code: string, message: string, details: object): FakeAnswer => ({
  error: { error: { code, message, details } },
  response: new Response(null, { status: 409 }),
})
const unsafe = refused('UNSAFE_ARTIFACT', 'version 1.0.0 has files that can run code when loaded (1 finding)', {
  findings: [{ path: 'model.pkl', code: 'dangerous-global', detail: 'imports os.system' }],
})

const post = vi.fn()
const noItems = async () => ok({ items: [] })
beforeEach(() => {
  post.mockReset()
  fakeApi({ POST: post, GET: noItems })
})

const chooseProduction = async () => {
  await userEvent.selectOptions(screen.getByLabelText('Stage'), 'production')
  await userEvent.click(screen.getByRole('button', { name: 'Change stage' }))
}

describe('StageChangeModal and the safety gate', () => {
  it('shows an organisation admin the findings and sends the override with the reason given', async () => {
    post.mockResolvedValueOnce(unsafe).mockResolvedValueOnce(ok({ version, transition: {}, archived: [] }))
    const onClose = vi.fn()
    renderUi(<StageChangeModal opened org="default" name="resnet" version={version} onClose={onClose} />, {
      session: adminSession,
    })
    await chooseProduction()
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('Refused: files that can run code when loaded')
    expect(within(alert).getByRole('list', { name: 'Findings' })).toHaveTextContent(
      'model.pkl: imports os.system (dangerous-global)',
    )
    const override = screen.getByRole('button', { name: 'Override and change stage' })
    expect(override).toBeDisabled()
    await userEvent.type(screen.getByLabelText(/^Reason to override/), 'reviewed: test fixture')
    await userEvent.click(override)
    await waitFor(() => expect(onClose).toHaveBeenCalled())
    expect(post).toHaveBeenLastCalledWith('/api/v1/models/{org}/{name}/versions/{version}/stage', {
      params: { path: { org: 'default', name: 'resnet', version: '1.0.0' } },
      body: expect.objectContaining({ stage: 'production', override: { reason: 'reviewed: test fixture' } }),
    })
  })

  it('tells a member why it was refused and who may override, with no override to send', async () => {
    post.mockResolvedValue(unsafe)
    renderUi(<StageChangeModal opened org="default" name="resnet" version={version} onClose={() => {}} />)
    await chooseProduction()
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('imports os.system')
    expect(alert).toHaveTextContent('Only an organisation admin can override this')
    expect(screen.queryByLabelText(/^Reason to override/)).not.toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: 'Change stage' }))
    await waitFor(() => expect(post).toHaveBeenCalledTimes(2))
    expect(post.mock.calls[1]?.[1].body).not.toHaveProperty('override')
  })

  it('names the files still being inspected', async () => {
    post.mockResolvedValue(
      refused('INSPECTION_PENDING', 'version 1.0.0 has 1 file not inspected yet', {
        pending: ['model.safetensors'],
        retryAfter: 5,
      }),
    )
    renderUi(<StageChangeModal opened org="default" name="resnet" version={version} onClose={() => {}} />)
    await chooseProduction()
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('Refused: inspection not finished')
    expect(within(alert).getByRole('list', { name: 'Files not inspected yet' })).toHaveTextContent('model.safetensors')
    expect(alert).toHaveTextContent('Try again in a few seconds')
  })
})

describe('StartDeploymentModal and the safety gate', () => {
  it('lets an organisation admin override with a reason', async () => {
    post.mockResolvedValueOnce(unsafe).mockResolvedValueOnce(ok({}, 201))
    const onClose = vi.fn()
    renderUi(<StartDeploymentModal opened model="default/resnet" version="1.0.0" onClose={onClose} />, {
      session: adminSession,
    })
    await userEvent.click(screen.getByRole('button', { name: 'Start deployment' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('model.pkl: imports os.system')
    await userEvent.type(screen.getByLabelText(/^Reason to override/), 'accepted risk')
    await userEvent.click(screen.getByRole('button', { name: 'Override and start deployment' }))
    await waitFor(() => expect(onClose).toHaveBeenCalled())
    expect(post.mock.calls[1]?.[1].body).toMatchObject({ override: { reason: 'accepted risk' } })
  })
})
