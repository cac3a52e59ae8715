import { Anchor, Badge, Code, Group, NativeSelect, Paper, Skeleton, Stack, Table, Text, Title } from '@mantine/core'
import { Link, useParams, useSearchParams } from 'react-router'
import { useSession } from '../auth/session'
import { ErrorAlert } from '../ui/ErrorAlert'
import { type Run, useExperiments, useRunFiles, useRuns } from './experiments.queries'

const when = (ms: number | undefined) => (ms ? new Date(ms).toLocaleString() : '—')

/** Experiments an organisation's training code logged through MLflow, their runs, and what was registered. */
export function ExperimentsPage() {
  const { id } = useParams()
  const [params, setParams] = useSearchParams()
  const { session } = useSession()
  const orgs = session?.orgs.map((o) => o.org) ?? []
  const org = params.get('org') || orgs[0] || 'default'
  const experiments = useExperiments(org)
  const selected = id ?? experiments.data?.[0]?.id
  const runs = useRuns(org, selected)
  return (
    <Stack>
      <div>
        <Title order={1}>Experiments</Title>
        <Text c="dimmed">
          Runs logged with MLflow (point MLFLOW_TRACKING_URI at this registry). A run&apos;s registered versions link to
          their model.
        </Text>
      </div>
      {orgs.length > 1 && (
        <NativeSelect
          label="Organisation"
          data={orgs}
          value={org}
          onChange={(e) => setParams({ org: e.currentTarget.value })}
          w={240}
        />
      )}
      <ErrorAlert error={experiments.error} title="The experiments cannot be shown" />
      {experiments.isPending ? (
        <Skeleton h={80} />
      ) : experiments.data?.length === 0 ? (
        <Text c="dimmed">No experiments yet: runs logged with MLflow appear here.</Text>
      ) : (
        <Group gap="xs" role="list" aria-label="Experiments">
          {experiments.data?.map((e) => (
            <Badge
              key={e.id}
              role="listitem"
              size="lg"
              variant={e.id === selected ? 'filled' : 'light'}
              component={Link}
              to={`/experiments/${e.id}?org=${encodeURIComponent(org)}`}
              style={{ cursor: 'pointer', textTransform: 'none' }}
            >
              {e.name}
            </Badge>
          ))}
        </Group>
      )}
      <ErrorAlert error={runs.error} title="The runs cannot be shown" />
      {selected !== undefined && runs.data && (
        <RunTable org={org} experimentId={selected} runs={runs.data} focus={params.get('run')} />
      )}
    </Stack>
  )
}

function RunTable({
  org,
  experimentId,
  runs,
  focus,
}: {
  org: string
  experimentId: string
  runs: Run[]
  focus: string | null
}) {
  if (runs.length === 0) return <Text c="dimmed">No runs in this experiment yet.</Text>
  return (
    <Paper withBorder>
      <Table.ScrollContainer minWidth={720}>
        <Table aria-label="Runs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Run</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Started</Table.Th>
              <Table.Th>Params</Table.Th>
              <Table.Th>Metrics</Table.Th>
              <Table.Th>Registered as</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {runs.map((r) => (
              <RunRow key={r.id} org={org} experimentId={experimentId} run={r} focused={focus === r.id} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  )
}

function RunRow({
  org,
  experimentId,
  run,
  focused,
}: {
  org: string
  experimentId: string
  run: Run
  focused: boolean
}) {
  const files = useRunFiles(org, focused ? run.id : undefined)
  return (
    <>
      <Table.Tr bg={focused ? 'var(--mantine-color-blue-light)' : undefined}>
        <Table.Td>
          <Anchor component={Link} to={`/experiments/${experimentId}?org=${encodeURIComponent(org)}&run=${run.id}`}>
            {run.name}
          </Anchor>
          <Text size="xs" c="dimmed">
            {run.id}
          </Text>
        </Table.Td>
        <Table.Td>{run.status}</Table.Td>
        <Table.Td>{when(run.startTime)}</Table.Td>
        <Table.Td>
          {run.params.map((p) => (
            <Code key={p.key} mr={4}>
              {p.key}={p.value}
            </Code>
          ))}
        </Table.Td>
        <Table.Td>
          {run.metrics.map((m) => (
            <Code key={m.key} mr={4}>
              {m.key}={m.value}
            </Code>
          ))}
        </Table.Td>
        <Table.Td>
          {run.versions.map((v) => (
            <Anchor
              key={`${v.org}/${v.model}/${v.version}`}
              component={Link}
              to={`/models/${encodeURIComponent(v.org)}/${encodeURIComponent(v.model)}?version=${encodeURIComponent(v.version)}`}
              mr={8}
            >
              {v.model} {v.version}
            </Anchor>
          ))}
        </Table.Td>
      </Table.Tr>
      {focused && (
        <Table.Tr>
          <Table.Td colSpan={6}>
            <Text size="sm" fw={600}>
              Artifacts
            </Text>
            <ErrorAlert error={files.error} />
            {files.data?.length === 0 && <Text c="dimmed">No files logged.</Text>}
            {files.data?.map((f) => (
              <Code key={f.path} mr={6}>
                {f.path}
                {f.isDir ? '/' : ` (${f.size ?? 0} B)`}
              </Code>
            ))}
          </Table.Td>
        </Table.Tr>
      )}
    </>
  )
}
