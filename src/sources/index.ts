export { ingestSource, classifyIngestError } from './source.ingest.js';
export { validateSource } from './source.validate.js';
export {
  SourceDefinition,
  FileTable,
  PostgresTable,
  isPostgresSource,
  primaryKeyColumns,
  type FileSource,
  type PostgresSource,
} from './source.schema.js';
export type { IngestContext, IngestReport, TableLoad } from './ingest.types.js';
