// Table types as Kysely sees them. Dialect differences (timestamps, JSON, counts) are converted in repositories.
import type { ColumnType, Generated } from 'kysely'

/** ISO string on write; a string (SQLite) or Date (PostgreSQL) on read. */
export type Timestamp = ColumnType<string | Date, string, string>
/** JSON text on write; a string (SQLite) or parsed value (PostgreSQL jsonb) on read. */
export type Json = ColumnType<unknown, string, string>
/** 0/1 on both dialects: better-sqlite3 cannot bind booleans. */
export type Flag = number

export interface OrganisationTable {
  id: string
  name: string
  created_at: Timestamp
}

export interface ModelTable {
  id: Generated<number>
  org_id: string
  name: string
  name_key: string
  framework: string
  framework_other: string | null
  task_type: string
  task_type_other: string | null
  model_type: string
  model_type_other: string | null
  public_access: Flag
  created_by: string
  created_at: Timestamp
  updated_at: Timestamp
  version_count: number
  latest_version_id: number | null
  search_text: string
  /** The most advanced stage any version holds, and the highest version holding it (0006-top-stage). */
  top_stage: string | null
  top_stage_version_id: number | null
  /** What the Analytics summary counts (0014-model-summary): the latest version's status, artifacts, downloads. */
  latest_status: string | null
  artifact_count: Generated<number>
  artifact_bytes: Generated<number>
  download_count: Generated<number>
  /** The last MLflow sequence number given to a version of this model (0011-mlflow); never goes down. */
  last_sequence: Generated<number>
  /** The model-level description MLflow's registered models carry. */
  description: Generated<string>
}

export interface VersionTable {
  id: Generated<number>
  model_id: number
  version: string
  major: number
  minor: number
  patch: number
  prerelease: string | null
  sort_key: string
  description: string
  status: string
  stage: string
  author: string
  license: string | null
  license_other: string | null
  tags: Json
  metrics: Json
  source: Json
  base_model: string | null
  created_by: string
  created_at: Timestamp
  updated_at: Timestamp
  /** Per-model number in creation order (MLflow's `version`), never reused (0011-mlflow). */
  sequence: number | null
  /** The tracking run the version was registered from, if any. */
  run_id: string | null
  /** The source URI given when the version was registered through MLflow. */
  source_uri: string | null
}

export interface VersionTagTable {
  version_id: number
  model_id: number
  tag: string
}

export interface StageTransitionTable {
  id: Generated<number>
  version_id: number
  model_id: number
  from_stage: string | null
  to_stage: string
  actor: string
  comment: string
  at: Timestamp
  /** 0012-inspection: why an admin let a dangerous version into Production. */
  override_reason: Generated<string | null>
}

export interface DeploymentTable {
  id: string
  model_id: number
  version_id: number
  environment: string
  endpoint: string | null
  status: string
  started_by: string
  started_at: Timestamp
  stopped_by: string | null
  stopped_at: Timestamp | null
}

export interface EventTable {
  id: Generated<number>
  model_id: number | null
  org: string
  model_name: string
  version: string | null
  type: string
  actor: string
  at: Timestamp
  data: Json
}

/** A named pointer to one version of a model (0009-aliases); unique per model. */
export interface AliasTable {
  id: Generated<number>
  model_id: number
  name: string
  version_id: number
  protected: number
  created_by: string
  created_at: Timestamp
  updated_by: string
  updated_at: Timestamp
}

/** Key/value tags (MLflow's tags) on a model or a version. */
export interface ModelKeyTagTable {
  model_id: number
  key: string
  value: string
}
export interface VersionKeyTagTable {
  version_id: number
  model_id: number
  key: string
  value: string
}

/** Tracking (0011-mlflow): experiments of an organisation, their runs, and what the runs logged. */
export interface ExperimentTable {
  id: Generated<number>
  org_id: string
  name: string
  lifecycle_stage: string
  created_by: string
  created_at: Timestamp
  updated_at: Timestamp
}
export interface RunTable {
  id: string
  experiment_id: number
  name: string
  status: string
  lifecycle_stage: string
  created_by: string
  /** ms since the epoch, as MLflow sends them. */
  start_time: number
  end_time: number | null
}
export interface RunKeyValueTable {
  run_id: string
  key: string
  value: string
}
export interface RunMetricTable {
  run_id: string
  key: string
  value: number
  timestamp: number
  step: number
}
export interface RunArtifactTable {
  run_id: string
  path: string
  size: number
  sha256: string
  media_type: string
  created_at: Timestamp
}

export interface BlobTable {
  sha256: string
  size: number
  created_at: Timestamp
}

export interface ArtifactTable {
  id: Generated<number>
  version_id: number
  model_id: number
  path: string
  size: number
  sha256: string
  media_type: string
  created_by: string
  created_at: Timestamp
  download_count: Generated<number>
}

export interface DownloadStatTable {
  model_id: number
  version_id: number
  day: string
  count: number
}

export interface UploadSessionTable {
  id: string
  model_id: number
  version_id: number
  path: string
  expected_size: number | null
  expected_sha256: string | null
  media_type: string | null
  created_by: string
  created_at: Timestamp
  expires_at: Timestamp
  /** The part store's handle for the session (S3: its multipart upload id); migration 0013. */
  store_handle: string | null
  /** The running sha256 of the file: parts 1..hashed_parts went through the hash whose state is hash_state; 0016. */
  hashed_parts: Generated<number>
  hash_state: string | null
  /** Parts being received now, on any replica (0016). */
  parts_arriving: Generated<number>
}

export interface UploadPartTable {
  upload_id: string
  number: number
  size: number
  sha256: string
  /** The part store's tag of this copy of the part (S3: the multipart part's ETag); migration 0013. */
  store_tag: string | null
}

export interface UserTable {
  id: string
  username: string
  password_hash: string
  site_admin: Flag
  created_at: Timestamp
}

export interface MembershipTable {
  org_id: string
  user_id: string
  role: string
  created_at: Timestamp
}

export interface ModelGrantTable {
  model_id: number
  user_id: string
  permission: string
  granted_by: string
  created_at: Timestamp
}

export interface ApiTokenTable {
  id: string
  user_id: string
  name: string
  token_hash: string
  scope: string
  created_at: Timestamp
  expires_at: Timestamp | null
  last_used_at: Timestamp | null
  revoked_at: Timestamp | null
}

export interface SessionTable {
  id_hash: string
  user_id: string
  csrf_token: string
  created_at: Timestamp
  expires_at: Timestamp
}

export interface AuditLogTable {
  id: Generated<number>
  type: string
  actor: string
  ip: string | null
  at: Timestamp
  data: Json
}

/** Sign-in throttling counters (services/login-throttle.ts). */
export interface LoginThrottleTable {
  key: string
  /** JSON array of ms timestamps, oldest first. */
  hits: string
  /** ms since the epoch after which the row means nothing. */
  expires_at: number | string
}

/** An LFS upload URL of the Hugging Face API and, once its bytes arrived, their hold (0015-hf-lfs-objects). */
export interface HfLfsObjectTable {
  /** sha256 of the URL's token. */
  token_hash: string
  model_id: number
  user_id: string
  scope: string
  oid: string
  size: number | string
  /** ms since the epoch: the URL's end before the bytes arrived, the hold's end after. */
  expires_at: number | string
  /** The stored bytes (= oid) once received; keeps the blob from collection. */
  blob_sha256: string | null
}

/** A lease on periodic work (0008-leases): who does it, until when (ms since the epoch). */
export interface LeaseTable {
  name: string
  holder: string
  expires_at: number
}

/** An organisation's subscription to its events (0010-webhooks). */
export interface WebhookTable {
  id: string
  org_id: string
  model_id: number | null
  model_name: string | null
  url: string
  /** JSON array of event types; empty: all. */
  events: string
  description: string
  secret: string
  previous_secret: string | null
  /** ms since the epoch until which previous_secret still signs. */
  previous_secret_until: number | null
  enabled: Flag
  disabled_reason: string | null
  /** ms since the epoch of the last delivery that succeeded. */
  last_success_at: number | null
  created_by: string
  created_at: Timestamp
  updated_at: Timestamp
}

/** The outbox: one event to send to one webhook (0010-webhooks). */
export interface WebhookDeliveryTable {
  id: Generated<number>
  delivery_id: string
  webhook_id: string
  event_id: number | null
  event_type: string
  /** The line it waits in: the model's id, 0 for none. */
  model_id: number
  model: string | null
  payload: string
  status: string
  attempts: number
  /** ms since the epoch. */
  next_attempt_at: number
  first_attempt_at: number | null
  created_at: Timestamp
}

export interface WebhookAttemptTable {
  id: Generated<number>
  delivery_id: number
  attempt: number
  at: Timestamp
  succeeded: Flag
  response_status: number | null
  duration_ms: number
  error: string | null
  response_excerpt: string | null
}

/** Inspection of one blob (0012-inspection): a job until `status` is done, then its result. */
export interface InspectionTable {
  sha256: string
  file_name: string
  status: string
  scanner_version: Generated<number>
  claimed_by: string | null
  claim_expires_at: number | string | null
  attempts: Generated<number>
  format: string | null
  verdict: string | null
  verdict_rank: number | null
  parameters: number | string | null
  /** JSON text: { summary, findings }. */
  result: string | null
  requested_at: Timestamp
  finished_at: Timestamp | null
}

export interface Database {
  webhooks: WebhookTable
  webhook_deliveries: WebhookDeliveryTable
  webhook_attempts: WebhookAttemptTable
  inspections: InspectionTable
  leases: LeaseTable
  login_throttle: LoginThrottleTable
  hf_lfs_objects: HfLfsObjectTable
  users: UserTable
  memberships: MembershipTable
  model_grants: ModelGrantTable
  api_tokens: ApiTokenTable
  sessions: SessionTable
  audit_log: AuditLogTable
  upload_sessions: UploadSessionTable
  upload_parts: UploadPartTable
  blobs: BlobTable
  artifacts: ArtifactTable
  download_stats: DownloadStatTable
  organisations: OrganisationTable
  models: ModelTable
  versions: VersionTable
  version_tags: VersionTagTable
  stage_transitions: StageTransitionTable
  deployments: DeploymentTable
  events: EventTable
  aliases: AliasTable
  model_key_tags: ModelKeyTagTable
  version_key_tags: VersionKeyTagTable
  experiments: ExperimentTable
  runs: RunTable
  run_params: RunKeyValueTable
  run_tags: RunKeyValueTable
  run_metrics: RunMetricTable
  run_artifacts: RunArtifactTable
}
