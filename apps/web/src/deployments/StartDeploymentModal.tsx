import { Modal, Stack, TextInput } from '@mantine/core'
import { type FormEvent, useState } from 'react'
import { adminOrgs, useSession } from '../auth/session'
import { GateRefusal, gateRefusal } from '../lifecycle/GateRefusal'
import { DialogActions } from '../ui/DialogActions'
import { ErrorAlert } from '../ui/ErrorAlert'
import { fieldErrors } from '../ui/errors'
import { useStartDeployment } from './deployments.queries'

interface Props {
  model: string
  version: string
  opened: boolean
  onClose(): void
}

export function StartDeploymentModal({ model, version, opened, onClose }: Props) {
  const [environment, setEnvironment] = useState('production')
  const [endpoint, setEndpoint] = useState('')
  const [reason, setReason] = useState('')
  const { session } = useSession()
  const canOverride = adminOrgs(session).includes(model.split('/')[0] ?? '')
  const start = useStartDeployment({ onSuccess: onClose })
  const errors = fieldErrors(start.error)
  // Refused by the safety gate: an admin may now send an override with a reason.
  const refusal = gateRefusal(start.error)
  const overriding = refusal !== undefined && canOverride
  const submit = (e: FormEvent) => {
    e.preventDefault()
    start.mutate({
      model,
      version,
      environment: environment.trim(),
      endpoint: endpoint.trim() || undefined,
      ...(overriding && { override: { reason: reason.trim() } }),
    })
  }
  return (
    <Modal opened={opened} onClose={onClose} title={`Start a deployment of ${model}@${version}`} centered>
      <form onSubmit={submit} aria-label="Start deployment">
        <Stack>
          {refusal ? (
            <GateRefusal refusal={refusal} canOverride={canOverride} reason={reason} onReasonChange={setReason} />
          ) : (
            start.isError && Object.keys(errors).length === 0 && <ErrorAlert error={start.error} />
          )}
          <TextInput
            label="Environment"
            description="Where it runs, e.g. production, staging, eu-west"
            required
            value={environment}
            error={errors.environment}
            onChange={(e) => setEnvironment(e.currentTarget.value)}
          />
          <TextInput
            label="Endpoint"
            description="Optional URL where the model is served"
            value={endpoint}
            error={errors.endpoint}
            onChange={(e) => setEndpoint(e.currentTarget.value)}
          />
          <DialogActions
            onCancel={onClose}
            label={overriding ? 'Override and start deployment' : 'Start deployment'}
            loading={start.isPending}
            disabled={overriding && reason.trim() === ''}
          />
        </Stack>
      </form>
    </Modal>
  )
}
