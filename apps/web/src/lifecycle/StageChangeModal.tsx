import { Checkbox, Modal, NativeSelect, Stack, Textarea } from '@mantine/core'
import type { Version } from '@modelreg/contract'
import { type FormEvent, useState } from 'react'
import { DialogActions } from '../ui/DialogActions'
import { ErrorAlert } from '../ui/ErrorAlert'
import { optionData, stageOptions } from '../ui/labels'
import { useChangeStage } from '../versions/versions.queries'

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
  const change = useChangeStage(org, name, version.version, {
    onSuccess: () => {
      setComment('')
      onClose()
    },
  })
  const submit = (e: FormEvent) => {
    e.preventDefault()
    change.mutate({ stage, comment: comment || undefined, archivePrevious: stage === 'production' && archivePrevious })
  }
  return (
    <Modal opened={opened} onClose={onClose} title={`Change stage of ${version.version}`} centered>
      <form onSubmit={submit} aria-label="Change stage">
        <Stack>
          <ErrorAlert error={change.error} />
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
            label="Change stage"
            loading={change.isPending}
            disabled={stage === version.stage}
          />
        </Stack>
      </form>
    </Modal>
  )
}
