import { Alert, Badge, Button, Group, List, Skeleton, Table, Text } from '@mantine/core'
import type { InspectedFile, Verdict, Version } from '@modelreg/contract'
import { ErrorAlert } from '../ui/ErrorAlert'
import { Section } from '../ui/Section'
import { TableHead } from '../ui/TableHead'
import { useInspection, useRerunInspection } from '../versions/inspection.queries'

export const verdictColor: Record<Verdict, string> = {
  dangerous: 'red',
  suspicious: 'orange',
  unscannable: 'yellow',
  safe: 'green',
  none: 'gray',
}
const verdictText: Record<Verdict, string> = {
  dangerous: 'Dangerous',
  suspicious: 'Suspicious',
  unscannable: 'Unscannable',
  safe: 'Safe',
  none: 'Not inspected',
}

export function VerdictBadge({ verdict }: { verdict: Verdict }) {
  return (
    <Badge color={verdictColor[verdict]} variant={verdict === 'dangerous' ? 'filled' : 'light'}>
      {verdictText[verdict]}
    </Badge>
  )
}

const count = (n: number | undefined) => (typeof n === 'number' ? n.toLocaleString('en-US') : '—')
const io = (items: InspectedFile['summary']['inputs']) =>
  (items ?? []).map((t) => `${t.name}${t.dtype ? ` ${t.dtype}` : ''}${t.shape ? ` [${t.shape.join(', ')}]` : ''}`)

/** Format, parameters, dtypes, inputs and outputs of each file, and whether loading it can run code. */
export function InspectionSection({ org, name, version }: { org: string; name: string; version: Version }) {
  const inspection = useInspection(org, name, version.version)
  const rerun = useRerunInspection(org, name, version.version)
  const report = inspection.data
  const files = report?.files ?? []
  const withFindings = files.filter((f) => f.safety.findings.length > 0)
  return (
    <Section
      title="Inspection"
      actions={
        <Group gap="xs">
          {report && <VerdictBadge verdict={report.verdict} />}
          <Button size="xs" variant="default" onClick={() => rerun.mutate()} loading={rerun.isPending}>
            Inspect again
          </Button>
        </Group>
      }
    >
      <ErrorAlert error={rerun.error} title="The inspection could not be started" />
      {inspection.isError ? (
        <ErrorAlert error={inspection.error} />
      ) : !report ? (
        <Skeleton h={60} />
      ) : files.length === 0 ? (
        <Text c="dimmed">No files to inspect yet.</Text>
      ) : (
        <>
          {report.status === 'pending' && (
            <Text size="sm" c="dimmed">
              Inspecting… results appear here when every file has been read.
            </Text>
          )}
          {report.verdict === 'dangerous' && (
            <Alert color="red" title="Loading this version can run code" role="alert">
              Files below import functions that execute code when they are loaded. Do not load them unless you trust who
              made them; moving this version to Production needs an organisation admin's override.
            </Alert>
          )}
          {report.verdict === 'suspicious' && (
            <Alert color="orange" title="Some files name code that is not known to be safe">
              Check the findings below before loading them.
            </Alert>
          )}
          <Table.ScrollContainer minWidth={700}>
            <Table aria-label="Inspection">
              <TableHead columns={['File', 'Format', 'Parameters', 'Dtypes', 'Inputs', 'Outputs', 'Verdict']} />
              <Table.Tbody>
                {files.map((f) => (
                  <Table.Tr key={f.path}>
                    <Table.Td style={{ overflowWrap: 'anywhere' }}>{f.path}</Table.Td>
                    <Table.Td>{f.format === 'unknown' ? '—' : f.format}</Table.Td>
                    <Table.Td>{count(f.summary.parameters)}</Table.Td>
                    <Table.Td>{(f.summary.dtypes ?? []).join(', ') || '—'}</Table.Td>
                    <Table.Td>{io(f.summary.inputs).join('; ') || '—'}</Table.Td>
                    <Table.Td>{io(f.summary.outputs).join('; ') || '—'}</Table.Td>
                    <Table.Td>
                      <VerdictBadge verdict={f.safety.verdict} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {withFindings.length > 0 && (
            <List size="sm" aria-label="Findings">
              {withFindings.flatMap((f) =>
                f.safety.findings.map((finding) => (
                  <List.Item key={`${f.path}:${finding.code}:${finding.detail}`}>
                    <Text span fw={600}>
                      {f.path}
                    </Text>{' '}
                    <Text span c="dimmed">
                      {finding.code}
                    </Text>{' '}
                    {finding.detail}
                  </List.Item>
                )),
              )}
            </List>
          )}
        </>
      )}
    </Section>
  )
}
