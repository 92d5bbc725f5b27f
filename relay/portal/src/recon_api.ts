// The reconciliation endpoints the pages use (docs/portal.md lists them).
// Their shapes follow relay/recon's views (ExceptionView, MappingView,
// VendorFile, RunSummary, Policy).

export type Rule = 'MISSING_MAPPING' | 'UOM_MISMATCH' | 'PRICE_MISMATCH' | 'EXPIRED_CONTRACT' | 'NOT_YET_EFFECTIVE' | 'INACTIVE_ITEM';
export const rules: Rule[] = ['PRICE_MISMATCH', 'UOM_MISMATCH', 'MISSING_MAPPING', 'INACTIVE_ITEM', 'EXPIRED_CONTRACT', 'NOT_YET_EFFECTIVE'];
export const ruleLabels: Record<string, string> = {
  PRICE_MISMATCH: 'Price mismatch',
  UOM_MISMATCH: 'Unit mismatch',
  MISSING_MAPPING: 'Missing mapping',
  INACTIVE_ITEM: 'Inactive item',
  EXPIRED_CONTRACT: 'Expired contract',
  NOT_YET_EFFECTIVE: 'Not yet effective',
};
export type ExceptionStatus = 'open' | 'resolved' | 'overridden';

export interface ReconException {
  exception_id: string;
  number: number;
  rule: Rule;
  severity: 'low' | 'medium' | 'high';
  status: ExceptionStatus;
  vendor_id: string;
  vendor_name: string | null; // the P21 supplier's name
  contract_no: string;
  vendor_item: string;
  vendor_uom: string;
  supplier_id: string | null;
  p21_site_id: string | null;
  p21_item_id: string | null;
  message: string;
  suggested_action: string;
  details: Record<string, unknown>;
  assignee: string | null;
  first_run_id: string;
  last_run_id: string;
  first_seen_at: string;
  last_seen_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution_kind: string | null;
  resolution: string | null;
  override_until: string | null;
  override_reason: string | null;
  overridden_by: string | null;
  overridden_at: string | null;
  updated_at: string;
}

// What a run's reopen or ended override found changed: one number, from what
// to what, and where the new value came from.
export interface NumberChange {
  field: string;
  from: string | null;
  to: string | null;
  source: string | null;
}

export interface ExceptionEvent {
  event_id: number;
  kind: string;
  actor_id: string | null;
  run_id: string | null;
  note: string | null;
  details: { changes?: NumberChange[] } | null;
  at: string;
}

// The exception list's filters, as a bulk action by filter names them.
export interface ExceptionFilter {
  sort?: string;
  status?: string;
  rule?: string;
  severity?: string;
  vendor_id?: string;
  assignee?: string;
}

// Bulk actions by filter take at most this many (relay/recon kMaxBulkByFilter).
export const maxBulkByFilter = 10000;

export interface ExceptionDetail extends ReconException {
  events: ExceptionEvent[];
}

export type ActionName = 'comment' | 'assign' | 'resolve' | 'override' | 'reopen';
export interface ExceptionAction {
  action: ActionName;
  text?: string;
  assignee?: string | null;
  until?: string;
}

export interface Mapping {
  mapping_id: string;
  vendor_id: string;
  vendor_item: string;
  vendor_uom: string;
  p21_site_id: string;
  p21_item_id: string;
  p21_item_desc: string | null;
  p21_uom: string;
  method: string;
  confidence: string;
  status: 'suggested' | 'approved' | 'rejected';
  note: string | null;
  decided_by: string | null;
  decided_at: string | null;
  created_at: string;
  updated_at: string;
  vendor_desc: string | null; // the vendor's description of the item
}

export interface P21Item {
  site_id: string;
  item_id: string;
  item_desc: string;
  active: boolean;
  supplier_id: string | null; // when found by a supplier part number
  supplier_part_no: string | null;
  match: 'item_id' | 'supplier_part' | 'description';
}

export interface P21Supplier {
  supplier_id: string;
  supplier_name: string | null;
  active: boolean;
  match: 'supplier_id' | 'name';
}

// A vendor code and its P21 supplier, or a vendor with unmapped lines and no link.
export interface VendorLink {
  vendor_id: string;
  supplier_id: string | null;
  supplier_name: string | null;
  open_missing: number;
  supplier_unknown: boolean;
}

// What a fix's immediate re-evaluation of the lines it concerns found
// (null: a run was in progress, the scheduler evaluates the fix after it).
export interface Reevaluation {
  run_id: string;
  lines: number;
  findings: Record<string, number>;
  opened: number;
  reopened: number;
  auto_resolved: number;
  still_open: number;
  open_after: number;
}

export interface VendorFile {
  file_id: string;
  name: string;
  format: string;
  vendor_id: string | null;
  size_bytes: number;
  sha256: string;
  status: 'accepted' | 'partial' | 'rejected' | 'superseded';
  lines_total: number;
  lines_accepted: number;
  lines_rejected: number;
  error: string | null;
  uploaded_by: string | null;
  uploaded_at: string;
}

export interface LineError {
  line: number;
  field: string | null;
  message: string;
  raw: string | null;
}

export interface IngestReport {
  file: VendorFile;
  errors: LineError[];
  superseded_lines: number;
}

// The scheduler's view of the tenant (GET /recon/state): failed runs in a
// row back off, and next_attempt_at says when it tries again.
export interface ReconState {
  last_run_id: string | null;
  last_run_at: string | null;
  last_attempt_at: string | null;
  failures: number;
  last_error: string | null;
  next_attempt_at: string | null;
  auto_run: boolean;
}

export interface ReconRun {
  run_id: string;
  trigger: string;
  status: 'running' | 'succeeded' | 'failed';
  as_of: string;
  requested_by: string | null;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  lines: number;
  lines_invalid: number;
  lines_mapped: number;
  findings: Record<string, number>;
  opened: number;
  reopened: number;
  still_open: number;
  still_resolved?: number;
  overridden: number;
  override_ended: number;
  auto_resolved: number;
  open_after: number;
}

export interface ExceptionSummary {
  by_status: Record<string, number>;
  by_rule: Record<string, number>; // open exceptions
  by_severity?: Record<string, number>;
}

export interface Policy {
  abs_tolerance: string | null;
  pct_tolerance: string | null;
  tolerance_mode: 'any' | 'all';
  high_severity_pct: string;
  currency: string;
  auto_approve_exact: boolean;
  auto_run: boolean;
  schedule_minutes: number | null;
  settle_seconds: number;
  updated_at: string | null;
  updated_by: string | null;
}

// Paths under /api/v1.
export const paths = {
  exceptions: '/recon/exceptions',
  exceptionSummary: '/recon/exceptions/summary',
  exception: (id: string) => `/recon/exceptions/${id}`,
  exceptionActions: (id: string) => `/recon/exceptions/${id}/actions`,
  bulkActions: '/recon/exceptions/actions',
  exceptionExport: '/recon/exceptions/export',
  mappings: '/recon/mappings',
  mapping: (id: string) => `/recon/mappings/${id}`,
  mappingDecisions: '/recon/mappings/decisions',
  p21Items: '/recon/p21-items',
  vendorFiles: '/vendor-files',
  vendorFile: (id: string) => `/vendor-files/${id}`,
  vendorFileErrors: (id: string) => `/vendor-files/${id}/errors`,
  runs: '/recon/runs',
  state: '/recon/state',
  run: (id: string) => `/recon/runs/${id}`,
  policy: '/recon/policy',
};

// Fixing what a run could not match: vendor links and the P21 searches.
export const fixPaths = {
  vendorLinks: '/recon/vendor-links',
  vendorLink: (vendor: string) => `/recon/vendor-links/${encodeURIComponent(vendor)}`,
  p21Suppliers: '/recon/p21-suppliers',
};

// The queue's sortable columns (the list route's sort keys).
export const sortKeys = ['number', 'severity', 'vendor', 'item', 'contract_price', 'p21_cost', 'difference', 'difference_pct', 'contract_uom', 'p21_uom', 'effective_end', 'first_seen', 'last_seen'] as const;
export type SortKey = (typeof sortKeys)[number];
