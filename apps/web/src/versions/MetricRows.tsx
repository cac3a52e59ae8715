import { ActionIcon, Button, Group, Stack, Text, TextInput } from '@mantine/core'

export interface MetricRow {
  id: number
  name: string
  value: string
}

/** Metrics as name/value rows; values must be numbers. */
export function MetricRows({ rows, onChange }: { rows: MetricRow[]; onChange(rows: MetricRow[]): void }) {
  const set = (id: number, patch: Partial<MetricRow>) =>
    onChange(rows.map((r) => (r.id === id ? { ...r, ...patch } : r)))
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500}>
        Metrics
      </Text>
      {rows.map((r, i) => (
        <Group key={r.id} gap="xs" align="start" wrap="nowrap">
          <TextInput
            aria-label={`Metric ${i + 1} name`}
            placeholder="top1_accuracy"
            value={r.name}
            onChange={(e) => set(r.id, { name: e.currentTarget.value })}
            style={{ flex: 2 }}
          />
          <TextInput
            aria-label={`Metric ${i + 1} value`}
            placeholder="0.765"
            inputMode="decimal"
            value={r.value}
            error={r.value.trim() !== '' && !Number.isFinite(Number(r.value)) ? 'A number' : undefined}
            onChange={(e) => set(r.id, { value: e.currentTarget.value })}
            style={{ flex: 1 }}
          />
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            aria-label={`Remove metric ${i + 1}`}
            onClick={() => onChange(rows.filter((x) => x.id !== r.id))}
          >
            ✕
          </ActionIcon>
        </Group>
      ))}
      <Button
        variant="subtle"
        size="xs"
        w="fit-content"
        onClick={() => onChange([...rows, { id: Date.now(), name: '', value: '' }])}
      >
        Add metric
      </Button>
    </Stack>
  )
}

export function metricsOf(rows: MetricRow[]): Record<string, number> | undefined {
  const out: Record<string, number> = {}
  for (const r of rows) if (r.name.trim() && r.value.trim() !== '') out[r.name.trim()] = Number(r.value)
  return Object.keys(out).length ? out : undefined
}
