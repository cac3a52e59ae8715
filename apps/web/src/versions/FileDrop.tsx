import { Button, Group, Paper, Text } from '@mantine/core'
import { type DragEvent, useRef, useState } from 'react'

/** A drop area with a file picker; folders dropped keep their relative paths (webkitRelativePath). */
export function FileDrop({ onFiles }: { onFiles(files: File[]): void }) {
  const input = useRef<HTMLInputElement>(null)
  const [over, setOver] = useState(false)
  const drop = (e: DragEvent) => {
    e.preventDefault()
    setOver(false)
    onFiles([...e.dataTransfer.files])
  }
  return (
    <Paper
      withBorder
      p="lg"
      style={{ borderStyle: 'dashed', background: over ? 'var(--mantine-color-default-hover)' : undefined }}
      onDragOver={(e) => {
        e.preventDefault()
        setOver(true)
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <Group justify="center" gap="sm">
        <Text c="dimmed">Drop model files here (weights, configs, tokenizers, README.md) or</Text>
        <Button variant="default" size="xs" onClick={() => input.current?.click()}>
          Choose files
        </Button>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          aria-label="Artifact files"
          onChange={(e) => {
            onFiles([...(e.currentTarget.files ?? [])])
            e.currentTarget.value = ''
          }}
        />
      </Group>
    </Paper>
  )
}
