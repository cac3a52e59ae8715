import { Alert, Anchor, List, Modal, Stack, Text } from '@mantine/core'
import type { Model } from '@modelreg/contract'
import { Link, useNavigate } from 'react-router'
import { ApiError } from '../api/http'
import { useDeployments } from '../deployments/deployments.queries'
import { DialogActions } from '../ui/DialogActions'
import { ErrorAlert } from '../ui/ErrorAlert'
import { useDeleteModel } from './models.queries'

const DEPLOYED_WARNING = 'You cannot delete a model that is currently deployed. Stop all deployments first.'

interface Props {
  model: Model
  opened: boolean
  onClose(): void
}

export function DeleteModelModal(props: Props) {
  // Mounted per opening: a refusal from an earlier attempt must not outlive the deployments it was about.
  return props.opened ? <DeleteModelDialog {...props} /> : null
}

function DeleteModelDialog({ model, opened, onClose }: Props) {
  const ref = `${model.org}/${model.name}`
  const active = useDeployments({ model: ref, status: 'active', limit: 50 })
  const navigate = useNavigate()
  const remove = useDeleteModel(model.org, model.name, { onSuccess: () => navigate('/models') })
  const deployed =
    (active.data?.items.length ?? 0) > 0 || (remove.error instanceof ApiError && remove.error.code === 'MODEL_DEPLOYED')
  return (
    <Modal opened={opened} onClose={onClose} title={`Delete ${model.name}?`} centered>
      <Stack>
        {deployed ? (
          <Alert color="red" title="This model is deployed" role="alert">
            <Text>{DEPLOYED_WARNING}</Text>
            <Anchor component={Link} to={`/deployments?model=${encodeURIComponent(ref)}`} onClick={onClose}>
              See its deployments
            </Anchor>
          </Alert>
        ) : (
          <Text>This deletes every version of {model.name} and its artifacts. It cannot be undone.</Text>
        )}
        {remove.isError && !deployed && <ErrorAlert error={remove.error} />}
        {/* Whether it is deployed is unknown: say why, the server still refuses a deployed model. */}
        <ErrorAlert error={active.error} />
        <div>
          <Text fw={600}>Before Deleting</Text>
          <List size="sm">
            <List.Item>Check for active deployments</List.Item>
            <List.Item>Download artifacts if needed</List.Item>
            <List.Item>Update dependent systems</List.Item>
            <List.Item>Archive instead of delete if uncertain</List.Item>
          </List>
        </div>
        <DialogActions
          onCancel={onClose}
          label="Delete"
          color="red"
          onConfirm={() => remove.mutate()}
          loading={remove.isPending}
          // Deployed: the explanation above stays, and the action is off until the deployments are stopped.
          disabled={active.isPending || deployed}
        />
      </Stack>
    </Modal>
  )
}
