/** The data-source definition: one shape for the project file, the API and the state plane. */
import { Email, Identifier, StringEnum, Type, type Static } from '../schema/index.js';

export const FileFormats = ['csv', 'parquet', 'json', 'ndjson'] as const;

const PrimaryKey = Type.Union([Identifier, Type.Array(Identifier, { minItems: 1 })], {
  description: 'the column, or columns, that identify a row',
});

export const CsvOptions = Type.Object(
  {
    header: Type.Optional(Type.Boolean()),
    delimiter: Type.Optional(Type.String({ minLength: 1, maxLength: 4 })),
    quote: Type.Optional(Type.String({ maxLength: 1 })),
    escape: Type.Optional(Type.String({ maxLength: 1 })),
    encoding: Type.Optional(StringEnum(['utf-8', 'utf-16', 'latin-1'] as const)),
  },
  { additionalProperties: false },
);
export type CsvOptions = Static<typeof CsvOptions>;

export const FileTable = Type.Object(
  {
    name: Identifier,
    format: StringEnum(FileFormats),
    path: Type.String({
      minLength: 1,
      description: 'a file path or glob; relative paths resolve against the project file',
    }),
    primaryKey: PrimaryKey,
    options: Type.Optional(CsvOptions),
  },
  { additionalProperties: false },
);
export type FileTable = Static<typeof FileTable>;

export const PostgresTable = Type.Object(
  {
    name: Identifier,
    table: Type.Optional(Type.String({ minLength: 1, description: 'schema-qualified table name' })),
    query: Type.Optional(Type.String({ minLength: 1, description: 'a SELECT statement' })),
    primaryKey: PrimaryKey,
  },
  { additionalProperties: false },
);
export type PostgresTable = Static<typeof PostgresTable>;

export const PostgresConnection = Type.Object(
  {
    connectionString: Type.String({
      minLength: 1,
      description: 'postgres://user:password@host:port/db',
    }),
    connectTimeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600000 })),
  },
  { additionalProperties: false },
);

const common = {
  name: Identifier,
  owners: Type.Optional(Type.Array(Email)),
  description: Type.Optional(Type.String()),
};

export const FileSource = Type.Object(
  {
    ...common,
    kind: Type.Optional(StringEnum(['files'] as const)),
    tables: Type.Array(FileTable, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export const PostgresSource = Type.Object(
  {
    ...common,
    kind: StringEnum(['postgres'] as const),
    connection: PostgresConnection,
    tables: Type.Array(PostgresTable, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export const SourceDefinition = Type.Union([FileSource, PostgresSource]);
export type FileSource = Static<typeof FileSource>;
export type PostgresSource = Static<typeof PostgresSource>;
export type SourceDefinition = FileSource | PostgresSource;

export function isPostgresSource(s: SourceDefinition): s is PostgresSource {
  return s.kind === 'postgres';
}

export function primaryKeyColumns(pk: string | string[]): string[] {
  return typeof pk === 'string' ? [pk] : pk;
}
