// The Hub's JSON shapes (ModelInfo, tree entries, whoami) built from modelreg's records. Field names are the
// Hub's; nothing here decides who may see what.
import type { ArtifactRecord } from '../../repositories/artifact.repository.js'
import type { ModelRecord, VersionRecord } from '../../repositories/records.js'
import { folderOid, isLfs, lfsPointer } from './hf-ids.js'
import type { HfSnapshot } from './hf-repos.js'

/** Framework (API value) to the Hub's library_name. */
const LIBRARY: Record<string, string> = {
  pytorch: 'pytorch',
  tensorflow: 'tensorflow',
  onnx: 'onnx',
  'scikit-learn': 'sklearn',
}

/** Task Type to the Hub's pipeline_tag; classification depends on what is classified (ADR 0017). */
export function pipelineTagOf(model: Pick<ModelRecord, 'taskType' | 'modelType' | 'framework'>): string | undefined {
  switch (model.taskType) {
    case 'classification':
      if (model.modelType === 'bert') return 'text-classification'
      if (model.framework === 'scikit-learn') return 'tabular-classification'
      return 'image-classification'
    case 'regression':
      return 'tabular-regression'
    case 'detection':
      return 'object-detection'
    case 'segmentation':
      return 'image-segmentation'
    default:
      return undefined
  }
}

export const libraryOf = (model: Pick<ModelRecord, 'framework' | 'frameworkOther'>): string | undefined =>
  LIBRARY[model.framework] ?? model.frameworkOther?.toLowerCase() ?? undefined

/** A version's description, first line: the commit title the Hub shows. */
export const commitTitleOf = (version: VersionRecord) =>
  version.description.split('\n')[0]?.trim() || `version ${version.version}`

export interface TreeFile {
  type: 'file'
  oid: string
  size: number
  path: string
  lfs?: { oid: string; size: number; pointerSize: number }
  lastCommit?: { id: string; title: string; date: string }
}
export interface TreeFolder {
  type: 'directory'
  oid: string
  size: 0
  path: string
  lastCommit?: { id: string; title: string; date: string }
}
export type TreeEntry = TreeFile | TreeFolder

/** How the git object id of a regular (non-LFS) file is found: git hashes its bytes. */
export type GitOidOf = (artifact: ArtifactRecord) => Promise<string>

export async function treeFile(artifact: ArtifactRecord, gitOid: GitOidOf): Promise<TreeFile> {
  if (isLfs(artifact.path, artifact.size)) {
    const pointer = lfsPointer(artifact.sha256, artifact.size)
    return {
      type: 'file',
      oid: pointer.oid,
      size: artifact.size,
      path: artifact.path,
      lfs: { oid: artifact.sha256, size: artifact.size, pointerSize: pointer.pointerSize },
    }
  }
  return { type: 'file', oid: await gitOid(artifact), size: artifact.size, path: artifact.path }
}

export const treeFolder = (commit: string, folder: string): TreeFolder => ({
  type: 'directory',
  oid: folderOid(commit, folder),
  size: 0,
  path: folder,
})

/** The folders implied by a version's file paths ("a/b/c.bin" gives "a" and "a/b"). */
export function foldersOf(files: readonly ArtifactRecord[]): Set<string> {
  const folders = new Set<string>()
  for (const f of files) {
    const parts = f.path.split('/')
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'))
  }
  return folders
}

/**
 * The tree under `dir` ("" for the root): its direct children, or with `recursive` everything below, folders
 * included, in path order.
 */
export function treeEntries(
  files: readonly ArtifactRecord[],
  dir: string,
  recursive: boolean,
): { files: ArtifactRecord[]; folders: string[] } {
  const prefix = dir === '' ? '' : `${dir}/`
  const below = (p: string) => p.startsWith(prefix) && (recursive || !p.slice(prefix.length).includes('/'))
  return {
    files: files.filter((f) => below(f.path)),
    folders: [...foldersOf(files)].filter(below),
  }
}

export interface ModelInfoOptions {
  /** Sizes, blob ids and LFS details of the siblings (the Python client's files_metadata). */
  blobs: boolean
  gitOid: GitOidOf
  downloads: number
  /** The front matter of the version's README.md, if it has one that parses. */
  card?: Record<string, unknown>
}

export async function toModelInfo(s: HfSnapshot, opts: ModelInfoOptions) {
  const { model, version } = s
  const library = libraryOf(model)
  const pipeline = pipelineTagOf(model)
  const siblings = await Promise.all(
    s.files.map(async (f) => {
      if (!opts.blobs) return { rfilename: f.path }
      const entry = await treeFile(f, opts.gitOid)
      return {
        rfilename: f.path,
        size: f.size,
        blobId: entry.oid,
        ...(entry.lfs && { lfs: { size: f.size, sha256: f.sha256, pointerSize: entry.lfs.pointerSize } }),
      }
    }),
  )
  const license = version.license === 'others' ? version.licenseOther : version.license
  return {
    _id: String(model.id),
    id: s.repoId,
    modelId: s.repoId,
    author: model.org,
    sha: s.commit,
    lastModified: version.updatedAt,
    createdAt: model.createdAt,
    private: !model.publicAccess,
    gated: false,
    disabled: false,
    downloads: opts.downloads,
    likes: 0,
    tags: [...new Set([...(library ? [library] : []), ...version.tags, ...(license ? [`license:${license}`] : [])])],
    ...(pipeline && { pipeline_tag: pipeline }),
    ...(library && { library_name: library }),
    // The README's front matter as written; the version's own license, tags and base model fill what it leaves out.
    cardData: {
      ...(license && { license }),
      ...(version.tags.length > 0 && { tags: version.tags }),
      ...(version.baseModel && { base_model: version.baseModel }),
      ...opts.card,
    },
    siblings,
    spaces: [],
    // modelreg's own names for what the revision resolved to; the clients ignore fields they do not know.
    modelreg: { name: model.name, version: version.version, stage: version.stage, status: version.status },
  }
}

export function toModelSummary(model: ModelRecord, repoId: string, latest: VersionRecord | null) {
  const library = libraryOf(model)
  const pipeline = pipelineTagOf(model)
  return {
    _id: String(model.id),
    id: repoId,
    modelId: repoId,
    author: model.org,
    private: !model.publicAccess,
    gated: false,
    likes: 0,
    downloads: 0,
    tags: [...new Set([...(library ? [library] : []), ...(latest?.tags ?? [])])],
    ...(pipeline && { pipeline_tag: pipeline }),
    ...(library && { library_name: library }),
    lastModified: model.updatedAt,
    createdAt: model.createdAt,
  }
}
