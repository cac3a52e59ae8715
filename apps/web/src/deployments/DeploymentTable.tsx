import { Anchor, Badge, Button, Table } from '@mantine/core'
import type { Deployment } from '@modelreg/contract'
import { Link } from 'react-router'
import { formatDate } from '../ui/format'
import { TableHead } from '../ui/TableHead'
import { useStopDeployment } from './deployments.queries'

export function DeploymentTable({ items, showModel = true }: { items: Deployment[]; showModel?: boolean }) {
  const stop = useStopDeployment()
  return (
    <Table.ScrollContainer minWidth={700}>
      <Table aria-label="Deployments">
        <TableHead
          columns={[...(showModel ? ['Model'] : []), 'Version', 'Environment', 'Status', 'Started', 'Stopped']}
          actions
        />
        <Table.Tbody>
          {items.map((d) => {
            const [org = '', name = ''] = d.model.split('/')
            return (
              <Table.Tr key={d.id}>
                {showModel && (
                  <Table.Td>
                    <Anchor component={Link} to={`/models/${encodeURIComponent(org)}/${encodeURIComponent(name)}`}>
                      {d.model}
                    </Anchor>
                  </Table.Td>
                )}
                <Table.Td>{d.version}</Table.Td>
                <Table.Td>{d.endpoint ? <Anchor href={d.endpoint}>{d.environment}</Anchor> : d.environment}</Table.Td>
                <Table.Td>
                  <Badge color={d.status === 'active' ? 'green' : 'gray'} variant="light">
                    {d.status === 'active' ? 'Active' : 'Stopped'}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  {formatDate(d.startedAt)} by {d.startedBy}
                </Table.Td>
                <Table.Td>{d.stoppedAt ? `${formatDate(d.stoppedAt)} by ${d.stoppedBy}` : '—'}</Table.Td>
                <Table.Td>
                  {d.status === 'active' && (
                    <Button
                      size="xs"
                      variant="light"
                      color="orange"
                      loading={stop.isPending && stop.variables === d.id}
                      onClick={() => stop.mutate(d.id)}
                      aria-label={`Stop deployment ${d.environment} of ${d.model}@${d.version}`}
                    >
                      Stop
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            )
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  )
}
