export type { StateStore } from './state.port.js';
export * from './state.types.js';
export { openSqliteState } from './sqlite.adapter.js';
export { openPostgresState } from './postgres.adapter.js';
export { migrationProvider } from './state.migrations.js';
export { DefinitionShelf } from './definition.shelf.js';
export { newOrderedId, orderedIdSeries } from './ordered.id.js';
