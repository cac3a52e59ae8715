import { Anchor, Badge, Code, Group, NativeSelect, Paper, Skeleton, Stack, Table, Text, Title } from '@mantine/core'
import { Link, useParams, useSearchParams } from 'react-router'
import { useSession } from '../auth/session'
import { ErrorAlert } from '../ui/ErrorAlert'
import { type MlflowRun, type MlflowVersion, useExperiments, useRunFiles, useRuns } from './experiments.queries'

const when = (ms: number | undefined) => (ms ? new Date(ms).toLocaleString() : '—')

/** Experiments an organisation's training code logged through MLflow, their runs, and what was registered. */
export function ExperimentsPage() {
  const { id } = useParams()
  const [params, setParams] = useSearchParams()
  const { session } = useSession()
  const orgs = session?.orgs.map((o) => o.org) ?? []
  const org = params.get('org') || orgs[0] || 'default'
  const experiments = useExperiments(org)
  const selected = id ?? experiments.data?.[0]?.experiment_id
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
              key={e.experiment_id}
              role="listitem"
              size="lg"
              variant={e.experiment_id === selected ? 'filled' : 'light'}
              component={Link}
              to={`/experiments/${e.experiment_id}?org=${encodeURIComponent(org)}`}
              style={{ cursor: 'pointer', textTransform: 'none' }}
            >
              {e.name}
            </Badge>
          ))}
        </Group>
      )}
      <ErrorAlert error={runs.error} title="The runs cannot be shown" />
      {selected !== undefined && runs.data && (
        <RunTable
          org={org}
          experimentId={selected}
          runs={runs.data.runs}
          versions={runs.data.versions}
          focus={params.get('run')}
        />
      )}
    </Stack>
  )
}

function RunTable({
  org,
  experimentId,
  runs,
  versions,
  focus,
}: {
  org: string
  experimentId: string
  runs: MlflowRun[]
  versions: MlflowVersion[]
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
              <RunRow
                key={r.info.run_id}
                org={org}
                experimentId={experimentId}
                run={r}
                versions={versions.filter((v) => v.run_id === r.info.run_id)}
                focused={focus === r.info.run_id}
              />
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
  versions,
  focused,
}: {
  org: string
  experimentId: string
  run: MlflowRun
  versions: MlflowVersion[]
  focused: boolean
}) {
  const files = useRunFiles(org, focused ? `${experimentId}/${run.info.run_id}/artifacts` : undefined)
  return (
    <>
      <Table.Tr bg={focused ? 'var(--mantine-color-blue-light)' : undefined}>
        <Table.Td>
          <Anchor
            component={Link}
            to={`/experiments/${experimentId}?org=${encodeURIComponent(org)}&run=${run.info.run_id}`}
          >
            {run.info.run_name}
          </Anchor>
          <Text size="xs" c="dimmed">
            {run.info.run_id}
          </Text>
        </Table.Td>
        <Table.Td>{run.info.status}</Table.Td>
        <Table.Td>{when(run.info.start_time)}</Table.Td>
        <Table.Td>
          {(run.data.params ?? []).map((p) => (
            <Code key={p.key} mr={4}>
              {p.key}={p.value}
            </Code>
          ))}
        </Table.Td>
        <Table.Td>
          {(run.data.metrics ?? []).map((m) => (
            <Code key={m.key} mr={4}>
              {m.key}={m.value}
            </Code>
          ))}
        </Table.Td>
        <Table.Td>
          {versions.map((v) => (
            <Anchor
              key={`${v.name}/${v.version}`}
              component={Link}
              to={`/models/${encodeURIComponent(org)}/${encodeURIComponent(v.name)}`}
              mr={8}
            >
              {v.name} v{v.version}
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
                {f.is_dir ? '/' : ` (${f.file_size ?? 0} B)`}
              </Code>
            ))}
          </Table.Td>
        </Table.Tr>
      )}
    </>
  )
}
