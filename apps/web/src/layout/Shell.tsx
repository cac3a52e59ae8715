import {
  ActionIcon,
  AppShell,
  Burger,
  Group,
  Menu,
  NavLink,
  Text,
  Tooltip,
  UnstyledButton,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import type { ReactNode } from 'react'
import { Link, useLocation } from 'react-router'
import { adminOrgs, useSession } from '../auth/session'

const links = [
  { to: '/models', label: 'Models' },
  { to: '/deployments', label: 'Deployments' },
  { to: '/experiments', label: 'Experiments' },
  { to: '/analytics', label: 'Analytics' },
  { to: '/settings/tokens', label: 'API tokens' },
]

export function Shell({ children }: { children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure()
  const { pathname } = useLocation()
  const { session, signOut } = useSession()
  const { setColorScheme } = useMantineColorScheme()
  const scheme = useComputedColorScheme('light')
  const all =
    adminOrgs(session).length > 0
      ? [...links, { to: '/settings/members', label: 'Members' }, { to: '/settings/webhooks', label: 'Webhooks' }]
      : links

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Text fw={700} size="lg" component={Link} to="/models">
              modelreg
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Tooltip label={scheme === 'dark' ? 'Light theme' : 'Dark theme'}>
              <ActionIcon
                variant="default"
                size="lg"
                aria-label={scheme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'}
                onClick={() => setColorScheme(scheme === 'dark' ? 'light' : 'dark')}
              >
                <span aria-hidden>{scheme === 'dark' ? '☀' : '☾'}</span>
              </ActionIcon>
            </Tooltip>
            <Menu position="bottom-end">
              <Menu.Target>
                <UnstyledButton aria-label={`Account: ${session?.username}`} px="xs">
                  <Text size="sm">{session?.username} ▾</Text>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item component={Link} to="/settings/tokens">
                  API tokens
                </Menu.Item>
                <Menu.Item onClick={() => void signOut()}>Sign out</Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main">
        {all.map((l) => (
          <NavLink
            key={l.to}
            component={Link}
            to={l.to}
            label={l.label}
            active={pathname.startsWith(l.to)}
            onClick={close}
            aria-current={pathname.startsWith(l.to) ? 'page' : undefined}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  )
}
