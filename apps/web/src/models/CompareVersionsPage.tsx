import { Anchor, Breadcrumbs, Group, List, NativeSelect, Skeleton, Stack, Table, Text, Title } from '@mantine/core'
import type { Verdict } from '@modelreg/contract'
import { Link, useParams, useSearchParams } from 'react-router'
import { ErrorAlert } from '../ui/ErrorAlert'
import { Section } from '../ui/Section'
import { TableHead } from '../ui/TableHead'
import { useComparison } from '../versions/inspection.queries'
import { useVersions } from '../versions/versions.queries'
import { VerdictBadge, verdictColor } from './InspectionSection'

const show = (v: unknown) =>
  v === null || v === undefined || v === '' ? '—' : typeof v === 'string' ? v : JSON.stringify(v)

const asVerdict = (v: unknown): Verdict => (typeof v === 'string' && v in verdictColor ? (v as Verdict) : 'none')

/** Two versions side by side: files added, removed and changed, fields, metric deltas and inspection differences. */
export function CompareVersionsPage() {
  const { org = '', name = '' } = useParams()
  const [params, setParams] = useSearchParams()
  const versions = (useVersions(org, name).data?.items ?? []).map((v) => v.version)
  const to = params.get('to') || versions[0] || ''
  // By default, the version just below `to` (versions are listed highest first).
  const below = versions.indexOf(to)
  const from = params.get('from') || versions[below + 1] || versions[below - 1] || ''
  const comparison = useComparison(org, name, from, to)
  const d = comparison.data
  const modelUrl = `/models/${encodeURIComponent(org)}/${encodeURIComponent(name)}`
  const pick = (which: 'from' | 'to', value: string) => setParams({ from, to, [which]: value })
  return (
    <Stack gap="md">
      <Breadcrumbs>
        <Anchor component={Link} to="/models">
          Models
        </Anchor>
        <Anchor component={Link} to={modelUrl}>
          {name}
        </Anchor>
        <Text>Compare</Text>
      </Breadcrumbs>
      <Title order={1}>Compare versions of {name}</Title>
      <Group>
        <NativeSelect label="From" value={from} data={versions} onChange={(e) => pick('from', e.currentTarget.value)} />
        <NativeSelect label="To" value={to} data={versions} onChange={(e) => pick('to', e.currentTarget.value)} />
      </Group>
      <ErrorAlert error={comparison.error} title="These versions cannot be compared" />
      {!d ? (
        comparison.isError ? null : (
          <Skeleton h={120} />
        )
      ) : (
        <>
          <Section title="Files">
            {d.files.added.length + d.files.removed.length + d.files.changed.length === 0 ? (
              <Text c="dimmed">The same files, byte for byte.</Text>
            ) : (
              <List size="sm" aria-label="Changed files">
                {d.files.added.map((p) => (
                  <List.Item key={`+${p}`}>added {p}</List.Item>
                ))}
                {d.files.removed.map((p) => (
                  <List.Item key={`-${p}`}>removed {p}</List.Item>
                ))}
                {d.files.changed.map((p) => (
                  <List.Item key={`~${p}`}>changed {p}</List.Item>
                ))}
              </List>
            )}
          </Section>
          <Section title="Inspection">
            <Group>
              <VerdictBadge verdict={asVerdict(d.inspection.verdict.from)} />
              <Text>→</Text>
              <VerdictBadge verdict={asVerdict(d.inspection.verdict.to)} />
              <Text size="sm">
                Parameters {show(d.inspection.parameters.from)} → {show(d.inspection.parameters.to)}
              </Text>
            </Group>
            {Object.entries(d.inspection.files).map(([path, changes]) => (
              <Text size="sm" key={path}>
                <b>{path}</b>:{' '}
                {Object.entries(changes)
                  .map(([k, c]) => `${k} ${show(c.from)} → ${show(c.to)}`)
                  .join('; ')}
              </Text>
            ))}
          </Section>
          <Section title="Metadata and metrics">
            {Object.keys(d.metadata).length + Object.keys(d.metrics).length === 0 ? (
              <Text c="dimmed">No field or metric differs.</Text>
            ) : (
              <Table aria-label="Differences">
                <TableHead columns={['Field', d.from, d.to, 'Change']} />
                <Table.Tbody>
                  {Object.entries(d.metadata).map(([k, c]) => (
                    <Table.Tr key={k}>
                      <Table.Td>{k}</Table.Td>
                      <Table.Td>{show(c.from)}</Table.Td>
                      <Table.Td>{show(c.to)}</Table.Td>
                      <Table.Td />
                    </Table.Tr>
                  ))}
                  {Object.entries(d.metrics).map(([k, m]) => (
                    <Table.Tr key={`metric:${k}`}>
                      <Table.Td>{k}</Table.Td>
                      <Table.Td>{show(m.from)}</Table.Td>
                      <Table.Td>{show(m.to)}</Table.Td>
                      <Table.Td>
                        {m.delta === null ? '' : `${m.delta >= 0 ? '+' : ''}${Number(m.delta.toPrecision(6))}`}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Section>
        </>
      )}
    </Stack>
  )
}
