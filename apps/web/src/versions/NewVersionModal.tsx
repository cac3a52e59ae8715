import { Alert, Button, Group, Modal, NativeSelect, Progress, Stack, Text, Textarea, TextInput } from '@mantine/core'
import type { License, Model } from '@modelreg/contract'
import { carryForward, uploadArtifact } from '@modelreg/sdk'
import { type FormEvent, useState } from 'react'
import { ApiError, sdkOptions } from '../api/http'
import { isSemver, parseTags } from '../models/model-form'
import { DialogActions } from '../ui/DialogActions'
import { errorMessage } from '../ui/errors'
import { formatBytes } from '../ui/format'
import { licenseOptions, optionData } from '../ui/labels'
import { FileDrop } from './FileDrop'
import { type MetricRow, MetricRows, metricsOf } from './MetricRows'
import { useCreateVersion } from './versions.queries'

interface Props {
  model: Model
  opened: boolean
  /** Called with the new version's number once it exists and every file is uploaded. */
  onClose(created?: string): void
}

interface Pending {
  file: File
  path: string
  sent: number
  state: 'waiting' | 'uploading' | 'done' | 'failed'
  error?: string
}

export function NewVersionModal(props: Props) {
  return props.opened ? <NewVersionForm {...props} /> : null
}

function NewVersionForm({ model, opened, onClose }: Props) {
  const next = model.nextVersion
  const [version, setVersion] = useState(next?.minor ?? '1.0.0')
  // What the new version starts with: the rule the CLI's push and versions create use too.
  const carried = carryForward(model.latestVersion)
  // Shown and editable: what the dialog starts with is what the version gets (an emptied field stays empty).
  const [description, setDescription] = useState(carried.description ?? '')
  const [tags, setTags] = useState(carried.tags?.join(', ') ?? '')
  const [author, setAuthor] = useState(carried.author ?? '')
  const [license, setLicense] = useState<string>(carried.license ?? '')
  const [licenseOther, setLicenseOther] = useState(carried.licenseOther ?? '')
  const [licenseOtherError, setLicenseOtherError] = useState<string | undefined>()
  const [metrics, setMetrics] = useState<MetricRow[]>([])
  const [files, setFiles] = useState<Pending[]>([])
  const [created, setCreated] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [versionError, setVersionError] = useState<string | undefined>()
  const { create, refresh } = useCreateVersion(model.org, model.name)

  const addFiles = (list: File[]) =>
    setFiles((prev) => {
      const byPath = new Map(prev.map((p) => [p.path, p]))
      for (const file of list) {
        const path = file.webkitRelativePath || file.name
        byPath.set(path, { file, path, sent: 0, state: 'waiting' })
      }
      return [...byPath.values()]
    })
  const patch = (path: string, p: Partial<Pending>) =>
    setFiles((prev) => prev.map((f) => (f.path === path ? { ...f, ...p } : f)))

  async function submit(e: FormEvent) {
    e.preventDefault()
    if (!isSemver(version)) {
      setVersionError('Use a semantic version such as 1.1.0')
      return
    }
    setVersionError(undefined)
    if (license === 'others' && !licenseOther.trim()) {
      setLicenseOtherError('Name the license')
      return
    }
    setLicenseOtherError(undefined)
    setBusy(true)
    setError(null)
    try {
      // The version is created once; a retry after a failed upload only resends the files that failed.
      if (!created) {
        await create.mutateAsync({
          version: version.trim(),
          // The carried values were the form's start; what is sent is what the form shows now.
          ...carryForward(null, {
            description,
            tags: parseTags(tags),
            author: author.trim(),
            license: (license || undefined) as License | undefined,
            licenseOther: license === 'others' ? licenseOther.trim() : undefined,
          }),
          metrics: metricsOf(metrics),
        })
        setCreated(version.trim())
      }
      const target = created ?? version.trim()
      let failed = 0
      for (const f of files) {
        if (f.state === 'done') continue
        patch(f.path, { state: 'uploading', sent: 0, error: undefined })
        try {
          await uploadArtifact({
            client: sdkOptions,
            org: model.org,
            name: model.name,
            version: target,
            path: f.path,
            file: f.file,
            onProgress: (sent) => patch(f.path, { sent }),
          })
          patch(f.path, { state: 'done', sent: f.file.size })
        } catch (err) {
          failed++
          patch(f.path, { state: 'failed', error: errorMessage(err) })
        }
      }
      await refresh()
      if (failed === 0) onClose(target)
      else setError(`${failed} file(s) could not be uploaded. Click Create to retry them.`)
    } catch (err) {
      if (err instanceof ApiError && err.code === 'ALREADY_EXISTS')
        setVersionError(`${version} already exists; the next free minor is ${next?.minor ?? 'unknown'}`)
      else setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal opened={opened} onClose={() => onClose(created ?? undefined)} title="New Version" size="lg" centered>
      <form onSubmit={submit} noValidate aria-label="New Version">
        <Stack>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Group align="end" gap="xs">
            <TextInput
              label="Version"
              description="Semantic version (major.minor.patch)"
              required
              value={version}
              error={versionError}
              disabled={created !== null}
              onChange={(e) => setVersion(e.currentTarget.value)}
              style={{ flex: 1 }}
            />
            {next &&
              (['major', 'minor', 'patch'] as const).map((k) => (
                <Button
                  key={k}
                  variant={version === next[k] ? 'filled' : 'default'}
                  disabled={created !== null}
                  onClick={() => setVersion(next[k])}
                  aria-label={`${k[0]?.toUpperCase()}${k.slice(1)}: ${next[k]}`}
                >
                  {k[0]?.toUpperCase()}
                  {k.slice(1)} {next[k]}
                </Button>
              ))}
          </Group>
          <Text size="xs" c="dimmed">
            Major: breaking changes, new architecture · Minor: improvements, new features · Patch: bug fixes, minor
            updates
          </Text>
          <Textarea
            label="Description"
            autosize
            minRows={2}
            value={description}
            disabled={created !== null}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
          <Text size="xs" c="dimmed">
            Description, Tags, Author and License start as the latest version's.
          </Text>
          <TextInput
            label="Tags"
            description="Comma-separated tags for organization"
            value={tags}
            disabled={created !== null}
            onChange={(e) => setTags(e.currentTarget.value)}
          />
          <Group grow align="start">
            <TextInput
              label="Author"
              description="Model creator or team name"
              value={author}
              disabled={created !== null}
              onChange={(e) => setAuthor(e.currentTarget.value)}
            />
            <NativeSelect
              label="License"
              description="The license of this version"
              value={license}
              disabled={created !== null}
              onChange={(e) => setLicense(e.currentTarget.value)}
              data={[{ value: '', label: 'No license selected' }, ...optionData(licenseOptions)]}
            />
          </Group>
          {license === 'others' && (
            <TextInput
              label="Other license"
              required
              value={licenseOther}
              error={licenseOtherError}
              disabled={created !== null}
              onChange={(e) => setLicenseOther(e.currentTarget.value)}
            />
          )}
          <MetricRows rows={metrics} onChange={setMetrics} />
          <Stack gap="xs">
            <Text size="sm" fw={500}>
              Artifacts
            </Text>
            <FileDrop onFiles={addFiles} />
            {files.map((f) => (
              <Stack key={f.path} gap={2}>
                <Group justify="space-between" wrap="nowrap">
                  <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                    {f.path}
                  </Text>
                  <Group gap="xs" wrap="nowrap">
                    <Text size="xs" c={f.state === 'failed' ? 'red' : 'dimmed'}>
                      {f.state === 'failed' ? f.error : `${formatBytes(f.sent)} / ${formatBytes(f.file.size)}`}
                    </Text>
                    {f.state === 'waiting' && (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        color="gray"
                        aria-label={`Remove ${f.path}`}
                        onClick={() => setFiles(files.filter((x) => x.path !== f.path))}
                      >
                        Remove
                      </Button>
                    )}
                  </Group>
                </Group>
                <Progress
                  value={f.file.size === 0 ? (f.state === 'done' ? 100 : 0) : (100 * f.sent) / f.file.size}
                  color={f.state === 'failed' ? 'red' : f.state === 'done' ? 'teal' : undefined}
                  aria-label={`Upload progress of ${f.path}`}
                  size="sm"
                />
              </Stack>
            ))}
          </Stack>
          <DialogActions onCancel={() => onClose(created ?? undefined)} label="Create" loading={busy} />
        </Stack>
      </form>
    </Modal>
  )
}
