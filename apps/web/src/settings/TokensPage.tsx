import {
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  NativeSelect,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import type { TokenScope } from '@modelreg/contract'
import { type FormEvent, useState } from 'react'
import { ErrorAlert } from '../ui/ErrorAlert'
import { formatDate } from '../ui/format'
import { TableHead } from '../ui/TableHead'
import { useCreateToken, useRevokeToken, useTokens } from './settings.queries'

export function TokensPage() {
  const tokens = useTokens()
  const [name, setName] = useState('')
  const [scope, setScope] = useState<TokenScope>('write')
  const [created, setCreated] = useState<string | null>(null)
  const create = useCreateToken({
    onSuccess: (token) => {
      setCreated(token)
      setName('')
    },
  })
  const revoke = useRevokeToken()
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (name.trim()) create.mutate({ name: name.trim(), scope })
  }
  return (
    <Stack>
      <div>
        <Title order={1}>API tokens</Title>
        <Text c="dimmed">
          Tokens let the CLI, the SDK and scripts act as you. A token is shown once, when it is created.
        </Text>
      </div>
      <Paper withBorder p="md">
        <form onSubmit={submit} aria-label="Create token">
          <Group align="end">
            <TextInput
              label="Token name"
              placeholder="laptop CLI"
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
            />
            <NativeSelect
              label="Scope"
              value={scope}
              onChange={(e) => setScope(e.currentTarget.value as TokenScope)}
              data={[
                { value: 'read', label: 'read: downloads and lists' },
                { value: 'write', label: 'write: everything you can do' },
                { value: 'admin', label: 'admin: also people and organisations' },
              ]}
            />
            <Button type="submit" loading={create.isPending}>
              Create token
            </Button>
          </Group>
        </form>
        <ErrorAlert error={create.error} mt="sm" />
        {created && (
          <Alert color="teal" mt="sm" title="Copy your new token now: it will not be shown again">
            <Group>
              <Code aria-label="New token">{created}</Code>
              <CopyButton value={created}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="light" onClick={copy}>
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                )}
              </CopyButton>
              <Button size="xs" variant="subtle" onClick={() => setCreated(null)}>
                Done
              </Button>
            </Group>
          </Alert>
        )}
      </Paper>
      {tokens.isError ? (
        <ErrorAlert error={tokens.error} />
      ) : (
        <Table aria-label="API tokens">
          <TableHead columns={['Name', 'Scope', 'Created', 'Expires', 'Last used']} actions />
          <Table.Tbody>
            {(tokens.data?.items ?? []).map((t) => (
              <Table.Tr key={t.id}>
                <Table.Td>{t.name}</Table.Td>
                <Table.Td>{t.scope}</Table.Td>
                <Table.Td>{formatDate(t.createdAt)}</Table.Td>
                <Table.Td>{t.expiresAt ? formatDate(t.expiresAt) : 'Never'}</Table.Td>
                <Table.Td>{t.lastUsedAt ? formatDate(t.lastUsedAt) : 'Never'}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    color="red"
                    variant="light"
                    onClick={() => revoke.mutate(t.id)}
                    aria-label={`Revoke ${t.name}`}
                  >
                    Revoke
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  )
}
