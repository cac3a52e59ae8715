import { Code, Text } from '@mantine/core'
import type { Version } from '@modelreg/contract'
import { Section } from '../ui/Section'

/** Where MLflow clients find this model: the organisation's tracking URI, and this version's MLflow number. */
export function MlflowSection({ org, name, version: v }: { org: string; name: string; version: Version }) {
  const uri = `${window.location.origin}/mlflow/${org}`
  const snippet = [
    `export MLFLOW_TRACKING_URI=${uri}`,
    'export MLFLOW_TRACKING_TOKEN=<an API token>',
    'python - <<EOF',
    'import mlflow',
    `mlflow.artifacts.download_artifacts("models:/${name}/${v.sequence}", dst_path="${name}")`,
    'EOF',
  ].join('\n')
  return (
    <Section title="Use with MLflow">
      <Text size="sm">
        Tracking URI <Code>{uri}</Code> — version {v.version} is MLflow version <Code>{v.sequence}</Code>; stages and
        aliases are the same (Development is MLflow&apos;s &quot;None&quot;).
      </Text>
      <Code block>{snippet}</Code>
    </Section>
  )
}
