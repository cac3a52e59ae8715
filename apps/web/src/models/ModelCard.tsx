import { Alert, Typography } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import Markdown from 'react-markdown'
import remarkGfm from 'remark-gfm'
import { ErrorAlert } from '../ui/ErrorAlert'
import { Section } from '../ui/Section'
import { MAX_CARD_BYTES, useArtifacts, versionQueries } from '../versions/versions.queries'

/** The version's README.md as a model card (GitHub-flavoured Markdown: tables, task lists, strikethrough). */
export function ModelCard({ org, name, version }: { org: string; name: string; version: string }) {
  const artifacts = useArtifacts(org, name, version)
  const readme = artifacts.data?.items.find((a) => /^readme\.md$/i.test(a.path))
  const text = useQuery(versionQueries.readme(org, name, version, readme))
  if (!readme) return null
  return (
    <Section title="Model card">
      {readme.size > MAX_CARD_BYTES ? (
        <Alert color="gray">README.md is too large to show here; download it from Artifacts.</Alert>
      ) : text.isError ? (
        <ErrorAlert error={text.error} />
      ) : (
        <MarkdownCard text={text.data ?? ''} />
      )}
    </Section>
  )
}

/**
 * The links a card keeps: http(s), mailto, in-page anchors and paths on this site. A path must not start with two
 * slashes or a slash and a backslash (browsers read both as another host: "//evil.example"), in any spelling: it is
 * judged decoded and without the tabs and newlines browsers drop. Anything else becomes "".
 */
export function cardUrl(url: string): string {
  let seen = url
  try {
    seen = decodeURIComponent(url)
  } catch {
    return ''
  }
  seen = seen.replace(/[\t\n\r]/g, '')
  if (/\p{Cc}/u.test(seen)) return ''
  if (/^(https?:|mailto:|#)/i.test(seen)) return url
  return /^\/(?![/\\])/.test(seen) ? url : ''
}

/**
 * Markdown as React elements: react-markdown never injects HTML, raw HTML in the text is dropped (skipHtml) and links
 * keep only what cardUrl allows. GFM adds syntax only (tables, task lists, ~~strike~~).
 */
export function MarkdownCard({ text }: { text: string }) {
  return (
    <Typography>
      <Markdown remarkPlugins={[remarkGfm]} skipHtml urlTransform={cardUrl}>
        {text}
      </Markdown>
    </Typography>
  )
}
