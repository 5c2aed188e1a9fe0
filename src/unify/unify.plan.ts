/**
 * The resolved form of a unification definition that the match and merge stages run: tables in
 * order with their warehouse names and keys, one attribute catalog, rules with their normalizations
 * filled in, and every default applied. Built by `resolveUnification` (unify.validate.ts).
 */
import type { MergePolicy, Normalization, SemanticType } from './unify.schema.js';

export interface MappedColumn {
  column: string;
  attribute: string;
}

export interface PlanTable {
  /** `source.table`, the name used in overrides and in ConflationMatchPair. */
  ref: string;
  source: string;
  table: string;
  /** The ingested warehouse table, `<source>_<table>`. */
  warehouseTable: string;
  /** 0 for the primary table; table importance follows this order. */
  order: number;
  keyColumns: string[];
  recency: string | null;
  dedup: boolean;
  columns: MappedColumn[];
}

export interface PlanAttribute {
  name: string;
  /** The semantic type, or null for a custom attribute (carried to Customer, matched only by rules). */
  type: SemanticType | null;
}

export interface PlanCondition {
  attribute: string;
  normalize: Normalization[];
  /** 1 means exact equality of the normalized values. */
  precision: number;
  algorithm: 'editDistance' | 'jaroWinkler';
}

export interface PlanRule {
  name: string;
  conditions: PlanCondition[];
  scope: 'all' | 'withinTable' | 'acrossTables';
}

export interface PlanActivity {
  source: string;
  table: string;
  warehouseTable: string;
  keyColumns: string[];
  customerRef: string;
  customerKey: string;
  type: string;
  timestamp: string;
  amount: string | null;
  fields: MappedColumn[];
}

export interface PlanProbabilistic {
  threshold: number;
  blocking: string[][];
  /** True when `blocking` are the defaults, which are used only within the pair budget. */
  defaultBlocking: boolean;
  comparisons: string[];
  randomPairs: number;
  maxIterations: number;
}

export interface PlanMergeGroup {
  attributes: string[];
  policy: MergePolicy;
}

export interface UnifyPlan {
  mode: 'rules' | 'probabilistic';
  tables: PlanTable[];
  attributes: PlanAttribute[];
  rules: PlanRule[];
  probabilistic: PlanProbabilistic;
  activities: PlanActivity[];
  alwaysMatch: { left: RecordRef; right: RecordRef }[];
  neverMatch: { left: RecordRef; right: RecordRef }[];
  /** Every attribute belongs to exactly one group; single attributes form their own group. */
  mergeGroups: PlanMergeGroup[];
}

export interface RecordRef {
  /** Warehouse table of the record. */
  table: string;
  key: string;
}
