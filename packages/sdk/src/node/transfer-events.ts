// What push and pull helpers tell their caller as they go; a CLI draws progress bars from these.
import type { ModelregError } from '../errors.js'

export type TransferEvent =
  /** Before any byte moves: every file and what will happen to it. */
  | { type: 'plan'; files: PlannedFile[]; totalBytes: number }
  /** Computing a local file's sha256 (push: to skip files the version has; pull: to check existing files). */
  | { type: 'hash'; path: string; size: number }
  | { type: 'start'; path: string; size: number; resumedBytes: number }
  | { type: 'progress'; path: string; bytes: number; size: number }
  | { type: 'done'; path: string; size: number; outcome: FileOutcome }
  | { type: 'retry'; path: string; attempt: number; delayMs: number; error: ModelregError }

export interface PlannedFile {
  path: string
  size: number
  /** transfer: bytes will move; skip: the other side already has these bytes. */
  action: 'transfer' | 'skip'
}

/**
 * uploaded / downloaded: sent or fetched whole; resumed: continued from an interrupted run;
 * skipped: identical bytes already there; repaired: a local copy did not match its sha256 and was fetched again.
 */
export type FileOutcome = 'uploaded' | 'downloaded' | 'resumed' | 'skipped' | 'repaired'

export type TransferListener = (event: TransferEvent) => void
