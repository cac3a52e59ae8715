import { Button, Group, NativeSelect, Paper, PasswordInput, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import type { Role } from '@modelreg/contract'
import { type FormEvent, useState } from 'react'
import { adminOrgs, useSession } from '../auth/session'
import { ErrorAlert } from '../ui/ErrorAlert'
import { TableHead } from '../ui/TableHead'
import { useAddMember, useMembers, useRemoveMember, useSetMemberRole } from './settings.queries'

const roles = [
  { value: 'viewer', label: 'Viewer: sees the organisation\u2019s public models' },
  { value: 'member', label: 'Member: also creates models' },
  { value: 'admin', label: 'Admin: also manages members' },
]

export function MembersPage() {
  const { session } = useSession()
  const orgs = adminOrgs(session)
  const [org, setOrg] = useState(orgs[0] ?? 'default')
  const members = useMembers(org)
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [role, setRole] = useState<Role>('member')
  const add = useAddMember(org, {
    onSuccess: () => {
      setUsername('')
      setPassword('')
    },
  })
  const setMemberRole = useSetMemberRole(org)
  const removeMember = useRemoveMember(org)
  const failure = add.error ?? setMemberRole.error ?? removeMember.error

  return (
    <Stack>
      <div>
        <Title order={1}>Members</Title>
        <Text c="dimmed">Who belongs to an organisation and what they may do there.</Text>
      </div>
      {orgs.length > 1 && (
        <NativeSelect
          label="Organisation"
          data={orgs}
          value={org}
          onChange={(e) => setOrg(e.currentTarget.value)}
          w={240}
        />
      )}
      <Paper withBorder p="md">
        <form
          aria-label="Add member"
          onSubmit={(e: FormEvent) => {
            e.preventDefault()
            if (username.trim()) add.mutate({ username: username.trim(), role, password })
          }}
        >
          <Group align="end">
            <TextInput
              label="Username"
              required
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
            />
            {session?.siteAdmin && (
              <PasswordInput
                label="New user's password"
                description="Only to create the account"
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
              />
            )}
            <NativeSelect
              label="Role"
              data={roles}
              value={role}
              onChange={(e) => setRole(e.currentTarget.value as Role)}
            />
            <Button type="submit" loading={add.isPending}>
              Add member
            </Button>
          </Group>
        </form>
      </Paper>
      <ErrorAlert error={failure} />
      <ErrorAlert error={members.error} title="The members could not be loaded" />
      <Table aria-label="Members">
        <TableHead columns={['Username', 'Role']} actions />
        <Table.Tbody>
          {(members.data?.items ?? []).map((m) => (
            <Table.Tr key={m.username}>
              <Table.Td>{m.username}</Table.Td>
              <Table.Td>
                <NativeSelect
                  aria-label={`Role of ${m.username}`}
                  data={roles.map((r) => ({ value: r.value, label: r.value }))}
                  value={m.role}
                  onChange={(e) => setMemberRole.mutate({ username: m.username, role: e.currentTarget.value as Role })}
                  w={140}
                />
              </Table.Td>
              <Table.Td>
                <Button
                  size="xs"
                  variant="light"
                  color="red"
                  onClick={() => removeMember.mutate(m.username)}
                  aria-label={`Remove ${m.username}`}
                >
                  Remove
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  )
}
