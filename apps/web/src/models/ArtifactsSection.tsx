import { Button, Code, Group, Modal, Skeleton, Table, Text } from '@mantine/core'
import type { InspectedFile, Version } from '@modelreg/contract'
import { useState } from 'react'
import { archiveUrl, artifactUrl } from '../api/http'
import { ErrorAlert } from '../ui/ErrorAlert'
import { formatBytes } from '../ui/format'
import { Section } from '../ui/Section'
import { TableHead } from '../ui/TableHead'
import { useInspection } from '../versions/inspection.queries'
import { useArtifacts } from '../versions/versions.queries'

export function ArtifactsSection({ org, name, version }: { org: string; name: string; version: Version }) {
  const artifacts = useArtifacts(org, name, version.version)
  const items = artifacts.data?.items
  // A dangerous file is downloaded only after a warning naming what was found in it.
  const inspection = useInspection(org, name, version.version)
  const dangerous = new Map(
    (inspection.data?.files ?? []).filter((f) => f.safety.verdict === 'dangerous').map((f) => [f.path, f]),
  )
  const [warning, setWarning] = useState<InspectedFile | null>(null)
  return (
    <Section
      title="Artifacts"
      actions={
        items && items.length > 0 ? (
          <Button component="a" variant="default" size="xs" href={archiveUrl(org, name, version.version)} download>
            Download all (zip)
          </Button>
        ) : null
      }
    >
      {artifacts.isError ? (
        <ErrorAlert error={artifacts.error} />
      ) : !items ? (
        <Skeleton h={60} />
      ) : items.length === 0 ? (
        <Text c="dimmed">
          No files in this version yet. Upload weights, configs and a README.md with New Version, or push a folder with
          the modelreg CLI.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={600}>
          <Table aria-label="Artifacts">
            <TableHead columns={['File', 'Size', 'SHA-256', 'Downloads']} actions />
            <Table.Tbody>
              {items.map((a) => (
                <Table.Tr key={a.path}>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>{a.path}</Table.Td>
                  <Table.Td>{formatBytes(a.size)}</Table.Td>
                  <Table.Td>
                    <Code title={a.sha256}>{a.sha256.slice(0, 12)}…</Code>
                  </Table.Td>
                  <Table.Td>{a.downloadCount}</Table.Td>
                  <Table.Td>
                    {dangerous.has(a.path) ? (
                      <Button
                        size="xs"
                        variant="light"
                        color="red"
                        onClick={() => setWarning(dangerous.get(a.path) ?? null)}
                        aria-label={`Download ${a.path}`}
                      >
                        Download
                      </Button>
                    ) : (
                      <Button
                        component="a"
                        size="xs"
                        variant="light"
                        href={artifactUrl(org, name, version.version, a.path)}
                        download={a.path.split('/').pop()}
                        aria-label={`Download ${a.path}`}
                      >
                        Download
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Text size="sm" c="dimmed" mt="xs">
            {items.length} files, {formatBytes(artifacts.data?.totalSize ?? 0)} in total
          </Text>
        </Table.ScrollContainer>
      )}
      <Modal opened={warning !== null} onClose={() => setWarning(null)} title="This file can run code when loaded">
        {warning && (
          <>
            <Text size="sm">
              Inspection found that loading <b>{warning.path}</b> executes code:
            </Text>
            <ul>
              {warning.safety.findings.map((f) => (
                <li key={`${f.code}:${f.detail}`}>
                  <Text size="sm">{f.detail}</Text>
                </li>
              ))}
            </ul>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setWarning(null)}>
                Cancel
              </Button>
              <Button
                component="a"
                color="red"
                href={artifactUrl(org, name, version.version, warning.path)}
                download={warning.path.split('/').pop()}
                onClick={() => setWarning(null)}
              >
                Download anyway
              </Button>
            </Group>
          </>
        )}
      </Modal>
    </Section>
  )
}
