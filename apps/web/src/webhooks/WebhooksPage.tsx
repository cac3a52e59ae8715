// An organisation's webhooks (its admins): create one (its secret shown once), pause, ping, delete, and read a
// webhook's delivery log with Redeliver.
import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  MultiSelect,
  NativeSelect,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import type { EventType, WebhookDelivery } from '@modelreg/contract'
import { eventTypes } from '@modelreg/contract/rules'
import { type FormEvent, useState } from 'react'
import { adminOrgs, useSession } from '../auth/session'
import { ErrorAlert } from '../ui/ErrorAlert'
import { TableHead } from '../ui/TableHead'
import {
  useCreateWebhook,
  useDeleteWebhook,
  useDeliveries,
  usePing,
  useRedeliver,
  useUpdateWebhook,
  useWebhooks,
} from './webhooks.queries'

const statusColor = { pending: 'yellow', succeeded: 'green', failed: 'red' } as const

export function WebhooksPage() {
  const { session } = useSession()
  const orgs = adminOrgs(session)
  const [org, setOrg] = useState(orgs[0] ?? 'default')
  const hooks = useWebhooks(org)
  const [url, setUrl] = useState('')
  const [events, setEvents] = useState<string[]>([])
  const [model, setModel] = useState('')
  const [secret, setSecret] = useState<string | null>(null)
  const [selected, setSelected] = useState<string | null>(null)
  const create = useCreateWebhook(org, {
    onSuccess: (s) => {
      setSecret(s)
      setUrl('')
      setEvents([])
      setModel('')
    },
  })
  const update = useUpdateWebhook(org)
  const remove = useDeleteWebhook(org)
  const ping = usePing(org)
  const failure = create.error ?? update.error ?? remove.error ?? ping.error

  return (
    <Stack>
      <div>
        <Title order={1}>Webhooks</Title>
        <Text c="dimmed">
          Signed POSTs to your URL on every change in the organisation: new versions, stage changes, aliases,
          deployments. Verify them with the secret (docs/webhooks.md).
        </Text>
      </div>
      {orgs.length > 1 && (
        <NativeSelect
          label="Organisation"
          data={orgs}
          value={org}
          onChange={(e) => {
            setOrg(e.currentTarget.value)
            setSelected(null)
          }}
          w={240}
        />
      )}
      <Paper withBorder p="md">
        <form
          aria-label="New webhook"
          onSubmit={(e: FormEvent) => {
            e.preventDefault()
            setSecret(null)
            create.mutate({
              url: url.trim(),
              ...(events.length > 0 && { events: events as EventType[] }),
              ...(model.trim() && { model: model.trim() }),
            })
          }}
        >
          <Group align="end">
            <TextInput
              label="URL"
              required
              placeholder="https://deploy.example.com/modelreg"
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
              w={340}
            />
            <MultiSelect
              label="Events"
              placeholder={events.length === 0 ? 'All events' : undefined}
              data={[...eventTypes]}
              value={events}
              onChange={setEvents}
              w={280}
              clearable
            />
            <TextInput
              label="Model"
              placeholder="All models"
              value={model}
              onChange={(e) => setModel(e.currentTarget.value)}
            />
            <Button type="submit" loading={create.isPending}>
              Create webhook
            </Button>
          </Group>
        </form>
      </Paper>
      {secret && (
        <Alert color="green" title="Webhook created: copy its secret now, it is not shown again">
          <Code aria-label="Webhook secret">{secret}</Code>
        </Alert>
      )}
      <ErrorAlert error={failure} />
      <ErrorAlert error={hooks.error} title="The webhooks could not be loaded" />
      <Table aria-label="Webhooks">
        <TableHead columns={['URL', 'Events', 'Model', 'Status']} actions />
        <Table.Tbody>
          {(hooks.data?.items ?? []).map((h) => (
            <Table.Tr key={h.id} aria-selected={selected === h.id}>
              <Table.Td>
                <Text size="sm" style={{ wordBreak: 'break-all' }}>
                  {h.url}
                </Text>
              </Table.Td>
              <Table.Td>{h.events.length === 0 ? 'All' : h.events.join(', ')}</Table.Td>
              <Table.Td>{h.model ?? 'All'}</Table.Td>
              <Table.Td>
                {h.enabled ? (
                  <Badge color="green">Enabled</Badge>
                ) : (
                  <Stack gap={2}>
                    <Badge color="gray">Disabled</Badge>
                    {h.disabledReason && (
                      <Text size="xs" c="dimmed">
                        {h.disabledReason}
                      </Text>
                    )}
                  </Stack>
                )}
              </Table.Td>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <Button
                    size="xs"
                    variant="light"
                    onClick={() => setSelected(h.id)}
                    aria-label={`Deliveries of ${h.url}`}
                  >
                    Deliveries
                  </Button>
                  <Button size="xs" variant="light" onClick={() => ping.mutate(h.id)} aria-label={`Ping ${h.url}`}>
                    Ping
                  </Button>
                  <Button
                    size="xs"
                    variant="light"
                    onClick={() => update.mutate({ id: h.id, body: { enabled: !h.enabled } })}
                    aria-label={`${h.enabled ? 'Pause' : 'Resume'} ${h.url}`}
                  >
                    {h.enabled ? 'Pause' : 'Resume'}
                  </Button>
                  <Button
                    size="xs"
                    variant="light"
                    color="red"
                    onClick={() => {
                      if (selected === h.id) setSelected(null)
                      remove.mutate(h.id)
                    }}
                    aria-label={`Delete ${h.url}`}
                  >
                    Delete
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {hooks.data?.items.length === 0 && <Text c="dimmed">No webhooks yet.</Text>}
      {selected && <DeliveryLog org={org} id={selected} />}
    </Stack>
  )
}

function DeliveryLog({ org, id }: { org: string; id: string }) {
  const deliveries = useDeliveries(org, id)
  const redeliver = useRedeliver(org, id)
  const items = deliveries.data?.items ?? []
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={2}>Delivery log</Title>
        <Button size="xs" variant="subtle" onClick={() => deliveries.refetch()} loading={deliveries.isFetching}>
          Refresh
        </Button>
      </Group>
      <ErrorAlert error={deliveries.error ?? redeliver.error} title="The delivery log could not be loaded" />
      <Table aria-label="Delivery log">
        <TableHead columns={['Event', 'Status', 'Attempts', 'Response', 'Latency', 'At', 'Delivery']} actions />
        <Table.Tbody>
          {items.map((d) => (
            <Table.Tr key={d.id}>
              <Table.Td>{d.event}</Table.Td>
              <Table.Td>
                <Badge color={statusColor[d.status]}>{d.status}</Badge>
              </Table.Td>
              <Table.Td>{d.attempt}</Table.Td>
              <Table.Td>{responseOf(d)}</Table.Td>
              <Table.Td>{d.durationMs === null ? '–' : `${d.durationMs} ms`}</Table.Td>
              <Table.Td>{new Date(d.at).toLocaleString()}</Table.Td>
              <Table.Td>
                <Code>{d.id.slice(0, 8)}</Code>
              </Table.Td>
              <Table.Td>
                <Button
                  size="xs"
                  variant="light"
                  onClick={() => redeliver.mutate(d.id)}
                  aria-label={`Redeliver ${d.id}`}
                  disabled={d.status === 'pending'}
                >
                  Redeliver
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {deliveries.isSuccess && items.length === 0 && <Text c="dimmed">No deliveries yet: send a ping.</Text>}
    </Stack>
  )
}

/** The last attempt's answer: its HTTP status and the start of its body, or why none came. */
function responseOf(d: WebhookDelivery): string {
  const last = d.attempts[d.attempts.length - 1]
  if (!last) return '–'
  if (last.responseStatus === null) return last.error ?? 'no response'
  const excerpt = last.responseExcerpt?.slice(0, 60)
  return excerpt ? `${last.responseStatus} ${excerpt}` : String(last.responseStatus)
}
