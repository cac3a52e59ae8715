import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core'
import { useState } from 'react'
import { useSearchParams } from 'react-router'
import { useModels } from '../api/queries'
import { errorMessage } from '../ui/errors'
import { CreateModelModal } from './CreateModelModal'
import { ModelFilters } from './ModelFilters'
import { ModelTable } from './ModelTable'
import { hasFilters, queryFromParams, withParam } from './model-search'

export function ModelsPage() {
  const [params, setParams] = useSearchParams()
  const [creating, setCreating] = useState(false)
  // Cursors of the pages before this one, so "Previous page" can go back without offsets.
  const [history, setHistory] = useState<string[]>([])
  const query = queryFromParams(params)
  const models = useModels(query)
  const sort = params.get('sort') ?? '-updated'

  const change = (next: URLSearchParams) => {
    setHistory([])
    setParams(next)
  }

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <div>
          <Title order={1}>Models</Title>
          <Text c="dimmed">Manage your trained models with versioning and metadata.</Text>
        </div>
        <Button onClick={() => setCreating(true)}>Create</Button>
      </Group>
      <ModelFilters params={params} onChange={change} />
      {models.isError ? (
        <Alert color="red" title="The models could not be loaded" role="alert">
          {errorMessage(models.error)}{' '}
          <Button variant="subtle" size="compact-sm" onClick={() => void models.refetch()}>
            Try again
          </Button>
        </Alert>
      ) : models.data?.items.length === 0 ? (
        <Paper withBorder p="xl" ta="center">
          {hasFilters(params) ? (
            <Text>No model matches these filters. Clear a filter or search for something else.</Text>
          ) : (
            <Text>No models yet. Click Create to register your first model.</Text>
          )}
        </Paper>
      ) : (
        <ModelTable models={models.data?.items} sort={sort} onSort={(s) => change(withParam(params, 'sort', s))} />
      )}
      <Group justify="flex-end">
        <Button
          variant="default"
          disabled={history.length === 0}
          onClick={() => {
            const prev = history.slice(0, -1)
            const cursor = history[history.length - 1] ?? null
            setHistory(prev)
            setParams(withParam(params, 'cursor', cursor === '' ? null : cursor))
          }}
        >
          Previous page
        </Button>
        <Button
          variant="default"
          disabled={!models.data?.nextCursor || models.isPlaceholderData}
          onClick={() => {
            setHistory([...history, params.get('cursor') ?? ''])
            setParams(withParam(params, 'cursor', models.data?.nextCursor ?? null))
          }}
        >
          Next page
        </Button>
      </Group>
      <CreateModelModal opened={creating} onClose={() => setCreating(false)} />
    </Stack>
  )
}
