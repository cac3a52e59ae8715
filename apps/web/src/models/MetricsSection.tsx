import { Table, Text } from '@mantine/core'
import type { Version } from '@modelreg/contract'
import { Section } from '../ui/Section'
import { TableHead } from '../ui/TableHead'

export function MetricsSection({ version }: { version: Version }) {
  const entries = Object.entries(version.metrics)
  return (
    <Section title="Metrics">
      {entries.length === 0 ? (
        <Text c="dimmed">No metrics recorded for version {version.version}.</Text>
      ) : (
        <Table aria-label="Metrics" maw={520}>
          <TableHead columns={['Metric', 'Value']} />
          <Table.Tbody>
            {entries.map(([k, v]) => (
              <Table.Tr key={k}>
                <Table.Td>{k}</Table.Td>
                <Table.Td>{v}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Section>
  )
}
