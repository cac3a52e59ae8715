import { Button, Code, CopyButton, Stack, Text } from '@mantine/core'
import { hubName } from '@modelreg/contract/rules'
import { Fields, Section } from '../ui/Section'

/** The Hub repo id and endpoint of a model, and code that reads it with the Hugging Face clients (docs/huggingface.md). */
export function HuggingFaceSection({ org, name, version }: { org: string; name: string; version: string }) {
  const endpoint = `${window.location.origin}/hf`
  const repoId = `${org}/${hubName(name)}`
  const python = [
    'import os',
    `os.environ["HF_ENDPOINT"] = "${endpoint}"`,
    'os.environ["HF_TOKEN"] = "<your modelreg token>"',
    'from huggingface_hub import snapshot_download',
    `path = snapshot_download("${repoId}", revision="${version}")`,
  ].join('\n')
  const javascript = [
    "import { downloadFile } from '@huggingface/hub'",
    `const hub = { hubUrl: '${endpoint}', accessToken: 'hf_<your modelreg token>' }`,
    `const blob = await downloadFile({ repo: '${repoId}', revision: '${version}', path: 'config.json', ...hub })`,
  ].join('\n')
  return (
    <Section title="Use with Hugging Face">
      <Stack gap="sm">
        <Fields
          items={[
            ['Endpoint (HF_ENDPOINT)', <Code key="endpoint">{endpoint}</Code>],
            ['Repo id', <Code key="repo">{repoId}</Code>],
          ]}
        />
        <Snippet label="Python (huggingface_hub)" code={python} />
        <Snippet label="JavaScript (@huggingface/hub)" code={javascript} />
        <Text size="sm" c="dimmed">
          Uploads with huggingface_hub 1.20 or later need HF_HUB_DISABLE_XET=1.
        </Text>
      </Stack>
    </Section>
  )
}

function Snippet({ label, code }: { label: string; code: string }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      <Code block aria-label={label}>
        {code}
      </Code>
      <CopyButton value={code}>
        {({ copied, copy }) => (
          <Button size="xs" variant="light" onClick={copy} w="fit-content" aria-label={`Copy ${label}`}>
            {copied ? 'Copied' : 'Copy'}
          </Button>
        )}
      </CopyButton>
    </Stack>
  )
}
