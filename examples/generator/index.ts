// Deterministic demo data generator: the same seed, customer count and `now` always produce
// byte-identical files, whatever the thread count (with the same DuckDB version: the data is
// derived from DuckDB's hash()). All data is computed inside an in-memory DuckDB from hashes of
// (record key, seed, salt) and written with ordered COPY, which keeps 1M customers in seconds.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { generateCrmContacts, renderMalformedCrmLines, writeCrmContacts } from './crm.generator.js';
import { generateLoyaltyMembers, writeLoyaltyMembers } from './loyalty.generator.js';
import { generatePeople } from './people.generator.js';
import { generateShopCustomers, generateShopOrders, writeShopFiles } from './shop.generator.js';
import { createMacros, renderDataEnd } from './sql.helpers.js';
import { shrinkToTruthKeys, writeTruth } from './truth.generator.js';

export const DEFAULT_SEED = 42;

export interface GenerateOptions {
  dir: string;
  customers: number;
  /** Defaults to DEFAULT_SEED. */
  seed?: number;
  /** The end of the generated history: every date is before it, the latest ones just before. */
  now: Date;
  onProgress?: (p: { step: string; done: number; total: number }) => void;
}

export interface GeneratedDemo {
  dir: string;
  customers: number;
  files: {
    crmContacts: string;
    shopCustomers: string;
    shopOrders: string;
    loyaltyMembers: string;
    truth: string;
  };
  rows: {
    crmContacts: number;
    shopCustomers: number;
    shopOrders: number;
    loyaltyMembers: number;
    malformedCrmLines: number;
  };
}

/** Output layout relative to the target directory; demo-project.yaml relies on these paths. */
export const DEMO_FILES = {
  crmContacts: 'crm/contacts.csv',
  shopCustomers: 'shop/customers.parquet',
  shopOrders: 'shop/orders.ndjson',
  loyaltyMembers: 'loyalty/members.csv',
  truth: 'truth/person_links.csv',
} as const;

const STEPS = ['people', 'crm', 'shop-customers', 'shop-orders', 'loyalty', 'truth'] as const;

/**
 * Generates the demo sources into `opts.dir` (created if missing, existing demo files are
 * overwritten) and returns absolute file paths and row counts. `rows.crmContacts` counts valid
 * CRM rows only; `rows.malformedCrmLines` more lines follow them at the end of the CSV file.
 */
export async function generateDemo(opts: GenerateOptions): Promise<GeneratedDemo> {
  const seed = opts.seed ?? DEFAULT_SEED;
  assertValidOptions(opts.customers, seed);
  const dir = resolve(opts.dir);
  const files = resolveFiles(dir);
  for (const file of Object.values(files)) mkdirSync(dirname(file), { recursive: true });

  let done = 0;
  const report = (step: (typeof STEPS)[number]): void => {
    done += 1;
    opts.onProgress?.({ step, done, total: STEPS.length });
  };

  return await withDuckDb(async (con) => {
    await createMacros(con, seed, renderDataEnd(opts.now));
    await generatePeople(con, opts.customers);
    report('people');

    const crmContacts = await generateCrmContacts(con, opts.customers);
    await writeCrmContacts(con, files.crmContacts);
    const malformed = await renderMalformedCrmLines(con, crmContacts, opts.customers);
    appendFileSync(files.crmContacts, malformed.map((line) => `${line}\n`).join(''));
    await shrinkToTruthKeys(con, 'crm_contacts', 'contact_id');
    report('crm');

    const shopCustomers = await generateShopCustomers(con, opts.customers);
    report('shop-customers');
    const shopOrders = await generateShopOrders(con, opts.customers);
    await writeShopFiles(con, files.shopCustomers, files.shopOrders);
    await con.run('DROP TABLE shop_orders');
    await shrinkToTruthKeys(con, 'shop_customers', 'customer_id');
    report('shop-orders');

    const loyaltyMembers = await generateLoyaltyMembers(con, opts.customers);
    await writeLoyaltyMembers(con, files.loyaltyMembers);
    await con.run('DROP TABLE people');
    await shrinkToTruthKeys(con, 'loyalty_members', 'member_id');
    report('loyalty');

    await writeTruth(con, files.truth);
    report('truth');

    return {
      dir,
      customers: opts.customers,
      files,
      rows: {
        crmContacts,
        shopCustomers,
        shopOrders,
        loyaltyMembers,
        malformedCrmLines: malformed.length,
      },
    };
  });
}

function assertValidOptions(customers: number, seed: number): void {
  if (!Number.isSafeInteger(customers) || customers < 1) {
    throw new RangeError(`customers must be a positive integer, got ${customers}`);
  }
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`seed must be an integer, got ${seed}`);
  }
}

function resolveFiles(dir: string): GeneratedDemo['files'] {
  return {
    crmContacts: join(dir, DEMO_FILES.crmContacts),
    shopCustomers: join(dir, DEMO_FILES.shopCustomers),
    shopOrders: join(dir, DEMO_FILES.shopOrders),
    loyaltyMembers: join(dir, DEMO_FILES.loyaltyMembers),
    truth: join(dir, DEMO_FILES.truth),
  };
}

/**
 * Runs `work` against a fresh in-memory DuckDB. Spill files go to a private temp directory
 * (DuckDB's default is ./.tmp under the caller's cwd), removed afterwards. Insertion order is
 * preserved explicitly because byte-identical output depends on ordered COPY.
 */
async function withDuckDb<T>(work: (con: DuckDBConnection) => Promise<T>): Promise<T> {
  const spillDir = mkdtempSync(join(tmpdir(), 'tributary-demo-'));
  try {
    const instance = await DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      preserve_insertion_order: 'true',
      temp_directory: spillDir,
    });
    try {
      const con = await instance.connect();
      try {
        return await work(con);
      } finally {
        con.closeSync();
      }
    } finally {
      instance.closeSync();
    }
  } finally {
    rmSync(spillDir, { recursive: true, force: true });
  }
}
