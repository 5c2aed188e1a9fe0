/**
 * Typed access to one kind of the generic `definitions` table (segments, measures, flows): the
 * bodies as the domain's type, and create-or-replace that keeps the first `createdAt`. The body
 * is stored as given; the domain validates it before `put`.
 */
import type { StateStore } from './state.port.js';
import type { DefinitionRow } from './state.types.js';

export class DefinitionShelf<T extends { name: string; owners?: string[] }> {
  constructor(
    private readonly state: StateStore,
    readonly kind: string,
  ) {}

  rows(instance: string): Promise<DefinitionRow[]> {
    return this.state.listDefinitions(instance, this.kind);
  }

  row(instance: string, name: string): Promise<DefinitionRow | undefined> {
    return this.state.getDefinition(instance, this.kind, name);
  }

  async list(instance: string): Promise<T[]> {
    return (await this.rows(instance)).map((r) => r.body as T);
  }

  async get(instance: string, name: string): Promise<T | undefined> {
    return (await this.row(instance, name))?.body as T | undefined;
  }

  /** Creates or replaces `def`; `created` tells which. */
  async put(instance: string, def: T, now: Date): Promise<{ created: boolean }> {
    const existing = await this.row(instance, def.name);
    const at = now.toISOString();
    await this.state.upsertDefinition({
      instance,
      kind: this.kind,
      name: def.name,
      owners: def.owners ?? [],
      body: def,
      createdAt: existing?.createdAt ?? at,
      updatedAt: at,
    });
    return { created: !existing };
  }

  remove(instance: string, name: string): Promise<boolean> {
    return this.state.deleteDefinition(instance, this.kind, name);
  }
}
