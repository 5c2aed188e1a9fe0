/** Queries on the `definitions` table, shared by every Kysely dialect (see StateStore). */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from './state.schema.js';
import type { DefinitionRow } from './state.types.js';

/** Inserts or replaces; `createdAt` of an existing row is kept. */
export async function upsertDefinition(db: Kysely<Database>, row: DefinitionRow): Promise<void> {
  const values = {
    instance: row.instance,
    kind: row.kind,
    name: row.name,
    owners: JSON.stringify(row.owners),
    body: JSON.stringify(row.body),
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
  await db
    .insertInto('definitions')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['instance', 'kind', 'name']).doUpdateSet({
        owners: values.owners,
        body: values.body,
        updated_at: values.updated_at,
      }),
    )
    .execute();
}

export async function listDefinitions(
  db: Kysely<Database>,
  instance: string,
  kind: string,
): Promise<DefinitionRow[]> {
  const rows = await db
    .selectFrom('definitions')
    .selectAll()
    .where('instance', '=', instance)
    .where('kind', '=', kind)
    .orderBy('name')
    .execute();
  return rows.map(mapDefinition);
}

export async function getDefinition(
  db: Kysely<Database>,
  instance: string,
  kind: string,
  name: string,
): Promise<DefinitionRow | undefined> {
  const r = await db
    .selectFrom('definitions')
    .selectAll()
    .where('instance', '=', instance)
    .where('kind', '=', kind)
    .where('name', '=', name)
    .executeTakeFirst();
  return r && mapDefinition(r);
}

export async function deleteDefinition(
  db: Kysely<Database>,
  instance: string,
  kind: string,
  name: string,
): Promise<boolean> {
  const res = await db
    .deleteFrom('definitions')
    .where('instance', '=', instance)
    .where('kind', '=', kind)
    .where('name', '=', name)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

function mapDefinition(r: Selectable<Database['definitions']>): DefinitionRow {
  return {
    instance: r.instance,
    kind: r.kind,
    name: r.name,
    owners: JSON.parse(r.owners) as string[],
    body: JSON.parse(r.body) as unknown,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
