import { type ColumnDataType, type Expression, sql } from 'kysely';

/** Column types that differ between the backends; migrations use these and nothing dialect-specific. */
export interface DialectTypes {
  readonly name: 'sqlite' | 'postgres';
  readonly binary: Expression<unknown> | ColumnDataType;
  readonly double: Expression<unknown> | ColumnDataType;
  readonly autoId: Expression<unknown> | ColumnDataType;
  /** appended to tables keyed by a composite primary key (WITHOUT ROWID on SQLite) */
  readonly clusteredSuffix: ReturnType<typeof sql> | null;
}

export const SQLITE_TYPES: DialectTypes = {
  name: 'sqlite',
  binary: 'blob',
  double: 'real',
  autoId: 'integer',
  clusteredSuffix: sql`without rowid`,
};

export const POSTGRES_TYPES: DialectTypes = {
  name: 'postgres',
  binary: sql`bytea`,
  double: 'double precision',
  autoId: sql`bigserial`,
  clusteredSuffix: null,
};
