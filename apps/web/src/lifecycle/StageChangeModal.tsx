import { Checkbox, Modal, NativeSelect, Stack, Textarea } from '@mantine/core'
import type { Version } from '@modelreg/contract'
import { type FormEvent, useState } from 'react'
import { adminOrgs, useSession } from '../auth/session'
import { DialogActions } from '../ui/DialogActions'
import { ErrorAlert } from '../ui/ErrorAlert'
import { optionData, stageOptions } from '../ui/labels'
import { useChangeStage } from '../versions/versions.queries'
import { GateRefusal, gateRefusal } from './GateRefusal'

interface Props {
  org: string
  name: string
  version: Version
  opened: boolean
  onClose(): void
}

export function StageChangeModal({ org, name, version, opened, onClose }: Props) {
  const [stage, setStage] = useState(version.stage === 'development' ? 'staging' : version.stage)
  const [comment, setComment] = useState('')
  const [archivePrevious, setArchivePrevious] = useState(true)
  const [reason, setReason] = useState('')
  const { session } = useSession()
  const canOverride = adminOrgs(session).includes(org)
  const change = useChangeStage(org, name, version.version, {
    onSuccess: () => {
      setComment('')
      setReason('')
      onClose()
    },
  })
  // Refused by the safety gate for the stage asked: an admin may now send an override with a reason.
  const refusal = stage === 'production' ? gateRefusal(change.error) : undefined
  const overriding = refusal !== undefined && canOverride
  const submit = (e: FormEvent) => {
    e.preventDefault()
    change.mutate({
      stage,
      comment: comment || undefined,
      archivePrevious: stage === 'production' && archivePrevious,
      ...(overriding && { override: { reason: reason.trim() } }),
    })
  }
  return (
    <Modal opened={opened} onClose={onClose} title={`Change stage of ${version.version}`} centered>
      <form onSubmit={submit} aria-label="Change stage">
        <Stack>
          {refusal ? (
            <GateRefusal refusal={refusal} canOverride={canOverride} reason={reason} onReasonChange={setReason} />
          ) : (
            <ErrorAlert error={change.error} />
          )}
          <NativeSelect
            label="Stage"
            description="Development: under active development · Staging: ready for testing · Production: deployed to production · Archived: no longer in use"
            data={optionData(stageOptions)}
            value={stage}
            onChange={(e) => setStage(e.currentTarget.value as typeof stage)}
          />
          {stage === 'production' && (
            <Checkbox
              label="Move the version now in Production to Archived"
              checked={archivePrevious}
              onChange={(e) => setArchivePrevious(e.currentTarget.checked)}
            />
          )}
          <Textarea
            label="Comment"
            description="Why this change; kept in the stage history"
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
          />
          <DialogActions
            onCancel={onClose}
            label={overriding ? 'Override and change stage' : 'Change stage'}
            loading={change.isPending}
            disabled={stage === version.stage || (overriding && reason.trim() === '')}
          />
        </Stack>
      </form>
    </Modal>
  )
}
