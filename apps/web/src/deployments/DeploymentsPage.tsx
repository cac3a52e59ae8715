import { Button, Group, NativeSelect, Paper, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core'
import type { ListDeploymentsQuery } from '@modelreg/contract'
import { useSearchParams } from 'react-router'
import { ErrorAlert } from '../ui/ErrorAlert'
import { DeploymentTable } from './DeploymentTable'
import { useDeployments } from './deployments.queries'

export function DeploymentsPage() {
  const [params, setParams] = useSearchParams()
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params)
    if (value) next.set(key, value)
    else next.delete(key)
    next.delete('cursor')
    setParams(next)
  }
  const deployments = useDeployments({
    model: params.get('model') || undefined,
    // An unknown status from the URL goes to the API as is, which answers with a readable 400.
    status: (params.get('status') || undefined) as ListDeploymentsQuery['status'],
    cursor: params.get('cursor') || undefined,
    limit: 50,
  })
  const items = deployments.data?.items
  return (
    <Stack>
      <div>
        <Title order={1}>Deployments</Title>
        <Text c="dimmed">
          Start and stop records of every deployed version. A model with an active deployment cannot be deleted.
        </Text>
      </div>
      <Group align="end">
        <TextInput
          label="Model"
          placeholder="org/name"
          defaultValue={params.get('model') ?? ''}
          onBlur={(e) => set('model', e.currentTarget.value.trim())}
          onKeyDown={(e) => e.key === 'Enter' && set('model', e.currentTarget.value.trim())}
        />
        <NativeSelect
          label="Deployment status"
          value={params.get('status') ?? ''}
          onChange={(e) => set('status', e.currentTarget.value)}
          data={[
            { value: '', label: 'Any' },
            { value: 'active', label: 'Active' },
            { value: 'stopped', label: 'Stopped' },
          ]}
        />
      </Group>
      {deployments.isError ? (
        <ErrorAlert error={deployments.error} />
      ) : !items ? (
        <Skeleton h={120} />
      ) : items.length === 0 ? (
        <Paper withBorder p="xl" ta="center">
          <Text>No deployments here. Open a model and click Start deployment to record one.</Text>
        </Paper>
      ) : (
        <DeploymentTable items={items} />
      )}
      {deployments.data?.nextCursor && (
        <Group justify="flex-end">
          <Button variant="default" onClick={() => set('cursor', deployments.data?.nextCursor ?? '')}>
            Next page
          </Button>
        </Group>
      )}
    </Stack>
  )
}
