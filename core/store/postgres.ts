/**
 * Postgres store on the `pg` driver: the backend for n8n queue mode (a main process and several
 * workers on different machines share one database; issue #9).
 *
 *  - One Pool per store; every table name is qualified with the store's schema (created if
 *    missing), so the store works behind poolers that ignore `search_path` and never touches
 *    n8n's own tables. Migrations run with `SET LOCAL search_path` to that schema.
 *  - Schema from migrations.ts (the same versioned steps as SQLite), applied under a session
 *    advisory lock, each step in one transaction with its schema_migrations row: two processes
 *    opening a fresh database at once apply every step exactly once.
 *  - Cross-process guarantees (queue mode):
 *      claimRecipients   SELECT … FOR UPDATE SKIP LOCKED → two workers never claim the same row;
 *      reserveBudget     pg_advisory_xact_lock per portfolio, then count + insert (cloud-api.md §5);
 *      bookArrival       one call of book_arrival() (migration 4): lock the key's pace row, apply
 *                        the raises, plan the slot over every worker's arrival bounds, book it;
 *      markProcessed     INSERT … ON CONFLICT DO NOTHING RETURNING (the unique key decides);
 *      upsertContacts    existing rows locked FOR UPDATE, merged by the shared rules, written back
 *                        in batches (unnest); a concurrent insert of the same number retries.
 *  - Deadlocks / serialization failures (40P01, 40001) retry the whole transaction.
 *  - BIGINT (epoch ms, counts) is parsed to number on this pool only; the global pg type parsers
 *    are left alone (n8n itself uses pg in the same process).
 */
import { Pool, types as pgTypes, type PoolClient, type PoolConfig } from 'pg';
import { StoreBase, type CampaignCountRows, type TagsMode, type WebhookBatchResult } from './base';
import { CAMPAIGN_INPUT_COLUMNS, CONTACT_COLUMNS, opt, rowMappers, sleep, toNumberHealth, type CampaignValues, type Row } from './rows';
import { CREATE_MIGRATIONS_TABLE, LATEST_SCHEMA_VERSION, MIGRATIONS, MIGRATIONS_TABLE } from './migrations';
import { DAY_MS, PROCESSED_RETENTION_MS, REPLY_ATTRIBUTABLE, WEBHOOK_TIME_RESOLUTION_MS, canMarkReplied, DEFAULT_MAX_DEFER_DAYS, deferralForStatus, freshBreakers, freshOutbox, OUTBOX_RETENTION_MS, mergeContact, mergeContactRows, mergeSurvivor, nextStateForStatus, numberHealthMovesGate, parseCallbackData, type CheckedContactFilter, type ContactFields } from './rules';
import type { ArrivalBooking, ArrivalGrant, BreakerAction, BreakerEffect, BudgetReservation, Campaign, CampaignSettings, CampaignState, ClaimOptions, Contact, ContactInput, IdentityKind, InboundRecord, NumberHealth, OutboxClaim, PostgresStoreOptions, Recipient, RecipientInput, RecipientState, RecipientUpdate, StatusUpdate, Store, UpsertOutcome, WebhookBatch } from './types';

type Param = null | number | string | boolean | string[] | boolean[] | Array<number | null> | Array<string | null>;
type Queryable = Pick<PoolClient, 'query'>;

/** Optional pool tuning on top of the credential's fields. */
export interface PostgresPoolTuning {
	/** Connections per process (default 10). */
	poolSize?: number;
	/** Shown in pg_stat_activity (default "n8n-nodes-whatsapp-cloud"). */
	applicationName?: string;
	/** Connect timeout in ms (default 10 s). */
	connectTimeoutMs?: number;
}

export const DEFAULT_SCHEMA = 'public';
/** Advisory lock namespaces (first key of the two-int form): "WA" + a purpose number. */
const LOCK_MIGRATE = 0x57410001;
const LOCK_BUDGET = 0x57410002;
/** Whole-transaction retries after a deadlock or serialization failure. */
const TX_RETRIES = 8;
/** Statement chunk for batched writes (arrays, so no parameter-count limit; this bounds memory). */
const CHUNK = 5000;
/** Old budget rows and processed keys are pruned at most this often (per process). */
const PRUNE_EVERY_MS = 10 * 60 * 1000;
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

// ───────────────────────────── connection ─────────────────────────────

/** The schema name, validated (letters, digits, underscore; it becomes a quoted identifier). */
export function checkSchemaName(schema: unknown): string {
	if (schema === undefined || schema === null || schema === '') return DEFAULT_SCHEMA;
	if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
		throw new Error(`Postgres store: schema must be 1-63 letters, digits or underscores (not starting with a digit), got ${JSON.stringify(schema)}`);
	}
	return schema;
}

function quoteIdent(name: string): string {
	return `"${name.replace(/"/g, '""')}"`;
}

/** int8 (BIGINT, COUNT) → number: epoch ms and counts stay far below 2^53. Only on our pool. */
const parseInt8 = (value: string): number => Number(value);
const storeTypes = {
	getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
		oid === pgTypes.builtins.INT8 && format !== 'binary' ? parseInt8 : pgTypes.getTypeParser(oid, format)) as typeof pgTypes.getTypeParser,
};

/** Where we connect, for errors (never the password). */
function describeTarget(o: PostgresStoreOptions): string {
	return `${o.user}@${o.host}:${o.port ?? 5432}/${o.database}`;
}

export function postgresPoolConfig(options: PostgresStoreOptions & PostgresPoolTuning): PoolConfig {
	if (!options || typeof options !== 'object') throw new Error('Postgres store: options are required');
	for (const field of ['host', 'database', 'user'] as const) {
		if (typeof options[field] !== 'string' || options[field] === '') throw new Error(`Postgres store: ${field} is required`);
	}
	if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535)) {
		throw new Error(`Postgres store: port must be an integer 1-65535, got ${JSON.stringify(options.port)}`);
	}
	if (options.password !== undefined && typeof options.password !== 'string') throw new Error('Postgres store: password must be a string');
	return {
		host: options.host,
		port: options.port ?? 5432,
		database: options.database,
		user: options.user,
		password: options.password || undefined,
		ssl: options.ssl ? true : undefined,
		max: options.poolSize ?? 10,
		application_name: options.applicationName ?? 'n8n-nodes-whatsapp-cloud',
		connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
		idleTimeoutMillis: 30_000,
		types: storeTypes,
	};
}

function pgCode(error: unknown): string | undefined {
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === 'string' ? code : undefined;
}

/** Deadlock (40P01) or serialization failure (40001): the whole transaction may be retried. */
export function isRetryableTxError(error: unknown): boolean {
	const code = pgCode(error);
	return code === '40P01' || code === '40001';
}

/** An error's message; AggregateError (every address of a host refused) has none of its own. */
function errorText(error: unknown): string {
	const e = error as { message?: unknown; code?: unknown; errors?: unknown[] } | null;
	if (typeof e?.message === 'string' && e.message !== '') return e.message;
	if (Array.isArray(e?.errors) && e.errors.length > 0) return e.errors.map(errorText).join('; ');
	if (typeof e?.code === 'string') return e.code;
	return String(error);
}

function backoffMs(attempt: number): number {
	return Math.min(500, 10 * 2 ** attempt) * (0.5 + Math.random());
}

// ───────────────────────────── migrations ─────────────────────────────

/** The schema version recorded in `schema` (0 when the schema or its bookkeeping table is absent). */
export async function postgresSchemaVersion(db: Queryable, schema: string = DEFAULT_SCHEMA): Promise<number> {
	const s = checkSchemaName(schema);
	const exists = await db.query(`SELECT to_regclass($1) AS t`, [`${quoteIdent(s)}.${MIGRATIONS_TABLE}`]);
	if (!exists.rows[0]?.t) return 0;
	const { rows } = await db.query(`SELECT MAX(version) AS v FROM ${quoteIdent(s)}.${MIGRATIONS_TABLE}`);
	return typeof rows[0]?.v === 'number' ? rows[0].v : 0;
}

/**
 * Creates the schema if missing and applies the pending migrations up to `target` (default:
 * latest) under a session advisory lock keyed by the schema, each step in its own transaction with
 * its schema_migrations row. Returns the versions applied by this call.
 */
export async function migratePostgres(pool: Pool, schema: string = DEFAULT_SCHEMA, target: number = LATEST_SCHEMA_VERSION): Promise<number[]> {
	const s = checkSchemaName(schema);
	const qs = quoteIdent(s);
	const client = await pool.connect();
	let broken: Error | undefined;
	try {
		await client.query(`SELECT pg_advisory_lock($1, hashtext($2))`, [LOCK_MIGRATE, s]);
		try {
			// CREATE SCHEMA needs the CREATE privilege on the database: only ask when it is missing.
			const found = await client.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [s]);
			if (found.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${qs}`);
			await client.query(`SET search_path TO ${qs}`);
			await client.query(CREATE_MIGRATIONS_TABLE);
			const current = await postgresSchemaVersion(client, s);
			if (current > LATEST_SCHEMA_VERSION) {
				throw new Error(
					`The Postgres store schema "${s}" has version ${current}, newer than this package knows (${LATEST_SCHEMA_VERSION}); update the package`,
				);
			}
			const applied: number[] = [];
			for (const migration of MIGRATIONS) {
				if (migration.version > target) break;
				if (migration.version <= current) continue;
				await client.query('BEGIN');
				try {
					await client.query(`SET LOCAL search_path TO ${qs}`);
					const done = await client.query(`SELECT 1 FROM ${qs}.${MIGRATIONS_TABLE} WHERE version = $1`, [migration.version]);
					if (done.rowCount === 0) {
						for (const sql of migration.postgres) await client.query(sql);
						await client.query(`INSERT INTO ${qs}.${MIGRATIONS_TABLE} (version, name, applied_at) VALUES ($1, $2, $3)`, [
							migration.version,
							migration.name,
							Date.now(),
						]);
						applied.push(migration.version);
					}
					await client.query('COMMIT');
				} catch (error) {
					await client.query('ROLLBACK').catch(() => undefined);
					throw new Error(`Postgres store: migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`);
				}
			}
			return applied;
		} finally {
			await client.query('RESET search_path').catch((e: Error) => (broken = e));
			await client.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [LOCK_MIGRATE, s]).catch((e: Error) => (broken = e));
		}
	} finally {
		client.release(broken);
	}
}

// ───────────────────────────── row mapping ─────────────────────────────

function jsonObject(value: unknown): Record<string, unknown> {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** pg returns JSONB parsed and booleans as booleans. */
const mappers = rowMappers({
	json: <T>(value: unknown, fallback: T): T =>
		(Array.isArray(fallback) ? (Array.isArray(value) ? value : fallback) : value && typeof value === 'object' && !Array.isArray(value) ? value : fallback) as T,
	jsonText: (value) => JSON.stringify(jsonObject(value)),
	bool: (value) => value === true,
});
const { toContact, toFields, toCampaign, toRecipient } = mappers;

/** The store's tables (migrations.ts), by the name the SQL below uses for them. */
const TABLES = {
	contacts: 'contacts',
	contactTags: 'contact_tags',
	campaigns: 'campaigns',
	recipients: 'recipients',
	windows: 'windows',
	processed: 'processed',
	budget: 'budget',
	gateVersion: 'gate_version',
	numberHealth: 'number_health',
	identities: 'contact_identities',
	merges: 'contact_merges',
	outbox: 'webhook_outbox',
} as const;

/** Raised inside upsertContacts when another process inserted one of our "new" numbers first. */
class ConcurrentInsert extends Error {}

// ───────────────────────────── the store ─────────────────────────────

export class PostgresStore extends StoreBase {
	readonly backend = 'postgres' as const;
	protected readonly map = mappers;
	private lastBudgetPrune = 0;
	private lastProcessedPrune = 0;
	private lastOutboxPrune = 0;
	private closed = false;
	/** Qualified table names ("schema".table). */
	private readonly t: Record<keyof typeof TABLES, string>;
	/** Qualified function names. */
	private readonly fn: { bookArrival: string };

	private constructor(
		private readonly pool: Pool,
		readonly schema: string,
	) {
		super();
		const s = quoteIdent(schema);
		this.t = Object.fromEntries(Object.entries(TABLES).map(([key, table]) => [key, `${s}.${table}`])) as Record<keyof typeof TABLES, string>;
		this.fn = { bookArrival: `${s}.book_arrival` };
	}

	/** Connects, creates the schema if missing, applies pending migrations, returns the store. */
	static async open(options: PostgresStoreOptions & PostgresPoolTuning): Promise<PostgresStore> {
		const config = postgresPoolConfig(options);
		const schema = checkSchemaName(options.schema);
		const pool = new Pool(config);
		// An idle connection dropped by the server must not crash the process: the pool replaces it.
		pool.on('error', () => undefined);
		try {
			await migratePostgres(pool, schema);
		} catch (error) {
			await pool.end().catch(() => undefined);
			const message = errorText(error);
			if (message.startsWith('Postgres store') || message.startsWith('The Postgres store')) throw error;
			throw new Error(`Postgres store: cannot open ${describeTarget(options)} (schema "${schema}"): ${message}`);
		}
		return new PostgresStore(pool, schema);
	}

	private query(sql: string, params: Param[] = []): Promise<{ rows: Row[]; rowCount: number | null }> {
		if (this.closed) return Promise.reject(new Error('Postgres store is closed'));
		return this.pool.query(sql, params);
	}

	/** One transaction on one pooled connection; retried on deadlock / serialization failure. */
	private async tx<T>(fn: (db: Queryable) => Promise<T>): Promise<T> {
		if (this.closed) throw new Error('Postgres store is closed');
		for (let attempt = 0; ; attempt++) {
			const client = await this.pool.connect();
			let broken: Error | undefined;
			try {
				await client.query('BEGIN');
				const result = await fn(client);
				await client.query('COMMIT');
				return result;
			} catch (error) {
				await client.query('ROLLBACK').catch((e: Error) => (broken = e));
				const retry = isRetryableTxError(error) || error instanceof ConcurrentInsert;
				if (!retry || attempt >= TX_RETRIES) throw error;
			} finally {
				// A connection whose ROLLBACK failed is discarded, not returned to the pool.
				client.release(broken);
			}
			await sleep(backoffMs(attempt));
		}
	}

	// ───────────── contacts ─────────────

	protected async upsertContactsSql(inputs: ContactInput[], tagsMode: TagsMode, now: number): Promise<UpsertOutcome[]> {
		const ids = [...new Set(inputs.map((c) => c.waId))].sort();
		return this.tx(async (db) => {
			// An imported opt-out is a send-time gate change (running campaigns re-check their rows).
			if (inputs.some((c) => c.optOut !== undefined)) await this.bumpGateIn(db);
			// Lock the existing rows (in waId order, so two overlapping imports cannot deadlock for long).
			const known = new Map<string, ContactFields>();
			for (let i = 0; i < ids.length; i += CHUNK) {
				const { rows } = await db.query(
					`SELECT wa_id, name, first_name, last_name, country, tags, attributes, source, opted_out, opt_out_at, opt_out_source
					FROM ${this.t.contacts}
					WHERE wa_id = ANY($1::text[]) ORDER BY wa_id FOR UPDATE`,
					[ids.slice(i, i + CHUNK)],
				);
				for (const row of rows) known.set(row.wa_id as string, toFields(row));
			}
			const existed = new Set(known.keys());
			const before = new Map(known);
			// Same merge rules as SQLite (rules.ts), applied in input order (a number given twice merges twice).
			const outcomes = inputs.map((input): UpsertOutcome => {
				const prev = known.get(input.waId);
				const { fields, changed } = mergeContact(prev, input, tagsMode, now);
				if (!changed) return 'unchanged';
				known.set(input.waId, fields);
				return prev ? 'updated' : 'added';
			});
			const inserts: Array<[string, ContactFields]> = [];
			const updates: Array<[string, ContactFields]> = [];
			const addTags: Array<[string, string]> = [];
			const dropTags: Array<[string, string]> = [];
			for (const waId of ids) {
				const f = known.get(waId);
				const prev = before.get(waId);
				if (!f || f === prev) continue;
				if (existed.has(waId)) updates.push([waId, f]);
				else inserts.push([waId, f]);
				const old = new Set(prev?.tags ?? []);
				const kept = new Set(f.tags);
				for (const tag of f.tags) if (!old.has(tag)) addTags.push([waId, tag]);
				for (const tag of old) if (!kept.has(tag)) dropTags.push([waId, tag]);
			}
			const columns = (rows: Array<[string, ContactFields]>): Param[] => [
				rows.map(([w]) => w),
				rows.map(([, f]) => f.name),
				rows.map(([, f]) => f.firstName),
				rows.map(([, f]) => f.lastName),
				rows.map(([, f]) => f.country),
				rows.map(([, f]) => JSON.stringify(f.tags)),
				rows.map(([, f]) => f.attributes),
				rows.map(([, f]) => f.source),
				rows.map(([, f]) => f.optedOut),
				rows.map(([, f]) => f.optOutAt),
				rows.map(([, f]) => f.optOutSource),
			];
			const UNNEST = `unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
				$9::boolean[], $10::bigint[], $11::text[])
				AS u(wa_id, name, first_name, last_name, country, tags, attributes, source, opted_out, opt_out_at, opt_out_source)`;
			for (let i = 0; i < inserts.length; i += CHUNK) {
				const chunk = inserts.slice(i, i + CHUNK);
				const res = await db.query(
					`INSERT INTO ${this.t.contacts} (wa_id, name, first_name, last_name, country, tags, attributes, source, opted_out,
						opt_out_at, opt_out_source, created_at, updated_at)
					SELECT u.wa_id, u.name, u.first_name, u.last_name, u.country, u.tags::jsonb, u.attributes::jsonb, u.source, u.opted_out,
						u.opt_out_at, u.opt_out_source, $12, $12
					FROM ${UNNEST} ON CONFLICT (wa_id) DO NOTHING`,
					[...columns(chunk), now],
				);
				// Another process added one of these numbers since our SELECT: merge again from its row.
				if (res.rowCount !== chunk.length) throw new ConcurrentInsert('upsertContacts: other processes kept inserting the same numbers at the same time; run the import again');
			}
			for (let i = 0; i < updates.length; i += CHUNK) {
				await db.query(
					`UPDATE ${this.t.contacts} c SET name = u.name, first_name = u.first_name, last_name = u.last_name,
						country = u.country, tags = u.tags::jsonb, attributes = u.attributes::jsonb, source = u.source,
						-- An upsert only ever opts out: a contact already opted out keeps its time and source.
						opted_out = c.opted_out OR u.opted_out,
						opt_out_at = CASE WHEN u.opted_out AND NOT c.opted_out THEN u.opt_out_at ELSE c.opt_out_at END,
						opt_out_source = CASE WHEN u.opted_out AND NOT c.opted_out THEN u.opt_out_source ELSE c.opt_out_source END,
						updated_at = $12
					FROM ${UNNEST} WHERE c.wa_id = u.wa_id`,
					[...columns(updates.slice(i, i + CHUNK)), now],
				);
			}
			for (let i = 0; i < addTags.length; i += CHUNK) {
				const chunk = addTags.slice(i, i + CHUNK);
				await db.query(
					`INSERT INTO ${this.t.contactTags} (wa_id, tag) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
					[chunk.map(([w]) => w), chunk.map(([, t]) => t)],
				);
			}
			for (let i = 0; i < dropTags.length; i += CHUNK) {
				const chunk = dropTags.slice(i, i + CHUNK);
				await db.query(
					`DELETE FROM ${this.t.contactTags} t USING unnest($1::text[], $2::text[]) AS d(wa_id, tag)
					WHERE t.wa_id = d.wa_id AND t.tag = d.tag`,
					[chunk.map(([w]) => w), chunk.map(([, t]) => t)],
				);
			}
			return outcomes;
		});
	}

	async getContact(waId: string): Promise<Contact | undefined> {
		const { rows } = await this.query(`SELECT ${CONTACT_COLUMNS} FROM ${this.t.contacts} c WHERE c.wa_id = $1`, [String(waId)]);
		return rows[0] ? toContact(rows[0]) : undefined;
	}

	protected async listContactsSql(filter: CheckedContactFilter, after: string | undefined, limit: number): Promise<Row[]> {
		const where: string[] = [];
		const params: Param[] = [];
		const p = (value: Param): string => {
			params.push(value);
			return `$${params.length}`;
		};
		if (after !== undefined) where.push(`c.wa_id > ${p(after)}`);
		this.contactWhere(filter, where, p);
		const { rows } = await this.query(
			`SELECT ${CONTACT_COLUMNS} FROM ${this.t.contacts} c` +
				(where.length ? ` WHERE ${where.join(' AND ')}` : '') +
				` ORDER BY c.wa_id LIMIT ${p(limit)}`,
			params,
		);
		return rows;
	}

	private contactWhere(f: CheckedContactFilter, where: string[], p: (value: Param) => string): void {
		if (f.tagsAny.length) {
			where.push(`EXISTS (SELECT 1 FROM ${this.t.contactTags} t WHERE t.wa_id = c.wa_id AND t.tag = ANY(${p(f.tagsAny)}::text[]))`);
		}
		if (f.tagsAll.length) {
			where.push(
				`(SELECT COUNT(*) FROM ${this.t.contactTags} t WHERE t.wa_id = c.wa_id AND t.tag = ANY(${p(f.tagsAll)}::text[])) = ${p(f.tagsAll.length)}`,
			);
		}
		// ->> gives strings as-is, numbers as written, JSON true/false as 'true'/'false'.
		for (const [key, value] of f.attributes) where.push(`c.attributes ->> ${p(key)}::text = ${p(value)}::text`);
		if (f.optedOut !== undefined) where.push(`c.opted_out = ${p(f.optedOut)}`);
		for (const r of f.ranges) where.push(`c.${r.column} ${r.op} ${p(r.value)}`);
	}

	protected async setOptOutSql(waId: string, optedOut: boolean, src: string, at: number): Promise<Contact | undefined> {
		return this.tx(async (db) => {
			if (optedOut) {
				// An opt-out for an unknown number is kept (bare contact), so a later import cannot message it.
				const res = await db.query(
					`INSERT INTO ${this.t.contacts} AS c (wa_id, opted_out, opt_out_at, opt_out_source, created_at, updated_at)
					VALUES ($1, TRUE, $2, $3, $2, $2)
					ON CONFLICT (wa_id) DO UPDATE SET opted_out = TRUE, opt_out_at = EXCLUDED.opt_out_at,
						opt_out_source = EXCLUDED.opt_out_source, updated_at = EXCLUDED.updated_at
					WHERE NOT c.opted_out`,
					[waId, at, src],
				);
				if ((res.rowCount ?? 0) > 0) await this.bumpGateIn(db);
			} else {
				const res = await db.query(
					`UPDATE ${this.t.contacts} SET opted_out = FALSE, opt_in_at = $2, opt_in_source = $3, updated_at = $2
					WHERE wa_id = $1 AND opted_out`,
					[waId, at, src],
				);
				if ((res.rowCount ?? 0) > 0) await this.bumpGateIn(db);
			}
			const { rows } = await db.query(`SELECT ${CONTACT_COLUMNS} FROM ${this.t.contacts} c WHERE c.wa_id = $1`, [waId]);
			return rows[0] ? toContact(rows[0]) : undefined;
		});
	}

	async deleteContact(waId: string): Promise<boolean> {
		return this.tx(async (db) => {
			await db.query(`DELETE FROM ${this.t.contactTags} WHERE wa_id = $1`, [String(waId)]);
			const res = await db.query(`DELETE FROM ${this.t.contacts} WHERE wa_id = $1`, [String(waId)]);
			return (res.rowCount ?? 0) > 0;
		});
	}

	protected async touchContactSql(waId: string, at: number, name?: string): Promise<void> {
		if (this.closed) throw new Error('Postgres store is closed');
		await this.touchContactIn(this.pool, waId, at, name);
	}

	private async touchContactIn(db: Queryable, waId: string, at: number, name?: string): Promise<void> {
		const profileName = typeof name === 'string' && name !== '' ? name : null;
		// Keeps the latest activity (webhooks arrive out of order); the profile name only fills a gap.
		await db.query(
			`INSERT INTO ${this.t.contacts} AS c (wa_id, name, created_at, updated_at, last_active_at) VALUES ($1, $2, $3, $3, $3)
			ON CONFLICT (wa_id) DO UPDATE SET
				last_active_at = GREATEST(c.last_active_at, EXCLUDED.last_active_at),
				name = COALESCE(c.name, EXCLUDED.name),
				updated_at = CASE WHEN c.name IS NULL AND EXCLUDED.name IS NOT NULL THEN EXCLUDED.updated_at ELSE c.updated_at END`,
			[waId, profileName, at],
		);
	}

	// ───────────── campaigns ─────────────

	protected async createCampaignSql(id: string, values: CampaignValues, now: number): Promise<{ campaign: Campaign; created: boolean }> {
		const inserted = await this.query(
			`INSERT INTO ${this.t.campaigns} (${CAMPAIGN_INPUT_COLUMNS}, state, state_by, created_at, updated_at, state_at)
			VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, 'running', 'created', $11, $11, $11) ON CONFLICT (id) DO NOTHING RETURNING *`,
			[...values, now],
		);
		if (inserted.rows[0]) return { campaign: toCampaign(inserted.rows[0]), created: true };
		// Resume: the existing campaign, unchanged.
		const { rows } = await this.query(`SELECT * FROM ${this.t.campaigns} WHERE id = $1`, [id]);
		return { campaign: toCampaign(rows[0]), created: false };
	}

	async getCampaign(id: string): Promise<Campaign | undefined> {
		const { rows } = await this.query(`SELECT * FROM ${this.t.campaigns} WHERE id = $1`, [String(id)]);
		return rows[0] ? toCampaign(rows[0]) : undefined;
	}

	protected async setCampaignStateSql(id: string, state: CampaignState, reason: string | null, now: number, by: string): Promise<number> {
		return this.tx(async (db) => {
			const res = await db.query(
				`UPDATE ${this.t.campaigns} SET state = $1, reason = $2, state_by = $3, state_at = $4, updated_at = $4 WHERE id = $5`,
				[state, reason, by, now, id],
			);
			if ((res.rowCount ?? 0) > 0) await this.bumpGateIn(db);
			return res.rowCount ?? 0;
		});
	}

	protected async updateCampaignSettingsSql(id: string, settings: CampaignSettings, maxDeferDays: number | null, now: number): Promise<void> {
		// undefined keeps a value; null clears start / end / window (issue 17).
		const json = (v: Record<string, unknown> | null | undefined) => (v === undefined || v === null ? null : JSON.stringify(v));
		await this.query(
			`UPDATE ${this.t.campaigns} SET template_id = COALESCE($1, template_id), waba_id = COALESCE($2, waba_id),
			quality_breaker = COALESCE($3, quality_breaker), max_defer_days = COALESCE($4::int, max_defer_days),
			start_at = CASE WHEN $7::boolean THEN start_at ELSE $8::bigint END, end_by = CASE WHEN $9::boolean THEN end_by ELSE $10::bigint END,
			send_window = CASE WHEN $11::boolean THEN send_window ELSE $12::jsonb END, run_config = COALESCE($13::jsonb, run_config),
			sender_pool = COALESCE($14::jsonb, sender_pool), updated_at = $5 WHERE id = $6`,
			[
				settings.templateId ?? null,
				settings.wabaId ?? null,
				settings.qualityBreaker ?? null,
				maxDeferDays,
				now,
				String(id),
				settings.startAt === undefined,
				settings.startAt ?? null,
				settings.endBy === undefined,
				settings.endBy ?? null,
				settings.sendWindow === undefined,
				json(settings.sendWindow),
				json(settings.runConfig),
				settings.senderPool ? JSON.stringify(settings.senderPool) : null,
			],
		);
	}

	protected async addRecipientsSql(campaignId: string, recipients: RecipientInput[], now: number): Promise<number> {
		return this.tx(async (db) => {
			const found = await db.query(`SELECT 1 FROM ${this.t.campaigns} WHERE id = $1`, [campaignId]);
			if (found.rowCount === 0) throw new Error(`Campaign "${campaignId}" not found`);
			let inserted = 0;
			for (let i = 0; i < recipients.length; i += CHUNK) {
				const chunk = recipients.slice(i, i + CHUNK);
				const skipped = chunk.map((r) => typeof r.skipReason === 'string' && r.skipReason !== '');
				// WITH ORDINALITY + ORDER BY: ledger ids follow input order (claims go in insertion order);
				// insert-or-ignore, also for a number given twice in one call.
				const res = await db.query(
					`INSERT INTO ${this.t.recipients} (campaign_id, wa_id, state, item_index, payload, error_message, updated_at, phone_number_id)
					SELECT $1, u.wa_id, u.state, u.item_index, u.payload::jsonb, u.reason, $2, u.num
					FROM unnest($3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[]) WITH ORDINALITY
						AS u(wa_id, state, item_index, payload, reason, num, ord)
					ORDER BY u.ord
					ON CONFLICT (campaign_id, wa_id) DO NOTHING`,
					[
						campaignId,
						now,
						chunk.map((r) => r.waId),
						skipped.map((s) => (s ? 'skipped' : 'queued')),
						chunk.map((r) => r.itemIndex ?? null),
						chunk.map((r) => JSON.stringify(r.payload ?? {})),
						chunk.map((r, j) => (skipped[j] ? (r.skipReason as string) : null)),
						chunk.map((r) => r.phoneNumberId ?? null),
					],
				);
				inserted += res.rowCount ?? 0;
			}
			return inserted;
		});
	}

	protected async claimRecipientsSql(options: ClaimOptions): Promise<{ ids: number[]; rows: Row[] }> {
		const { campaignId, workerId, limit, now, leaseMs } = options;
		return this.tx(async (db) => {
			// Row locks, skipping rows another worker is claiming right now: two workers never get the
			// same row (a row claimed and committed meanwhile fails the state re-check after the lock).
			// Due retries/deferrals first (oldest due first), then fresh rows in insertion order.
			const ids: number[] = (
				await db.query(
					`SELECT id FROM ${this.t.recipients} WHERE campaign_id = $1 AND state IN ('retry', 'deferred')
					AND (next_attempt_at IS NULL OR next_attempt_at <= $2) AND ($4::text IS NULL OR phone_number_id IS NULL OR phone_number_id = $4)
					ORDER BY next_attempt_at NULLS FIRST, id LIMIT $3 FOR UPDATE SKIP LOCKED`,
					[campaignId, now, limit, options.phoneNumberId ?? null],
				)
			).rows.map((r) => r.id as number);
			if (ids.length < limit) {
				const { rows } = await db.query(
					`SELECT id FROM ${this.t.recipients} WHERE campaign_id = $1 AND state = 'queued' AND ($3::text IS NULL OR phone_number_id IS NULL OR phone_number_id = $3)
					ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
					[campaignId, limit - ids.length, options.phoneNumberId ?? null],
				);
				for (const r of rows) ids.push(r.id as number);
			}
			if (ids.length === 0) return { ids, rows: [] };
			const { rows } = await db.query(
				`UPDATE ${this.t.recipients} SET state = 'sending', claimed_by = $1, claim_expires_at = $2, dispatched_at = NULL, updated_at = $3
				WHERE id = ANY($4::bigint[]) RETURNING *`,
				[workerId, now + leaseMs, now, ids.map(String)],
			);
			return { ids, rows };
		});
	}

	protected async markDispatchedSql(campaignId: string, waIds: string[], workerId: string, at: number): Promise<string[]> {
		const { rows } = await this.query(
			`UPDATE ${this.t.recipients} SET dispatched_at = $1 WHERE campaign_id = $2 AND wa_id = ANY($3::text[])
			AND claimed_by = $4 AND state = 'sending' RETURNING wa_id`,
			[at, campaignId, waIds, workerId],
		);
		return rows.map((r) => r.wa_id as string);
	}

	protected async expireClaimsSql(campaignId: string, now: number): Promise<{ unknown: number; requeued: number }> {
		return this.tx(async (db) => {
			// Never dispatched: the request never left the crashed run → re-queued, due now.
			const requeued = await db.query(
				`UPDATE ${this.t.recipients} SET state = 'retry', next_attempt_at = $1, claimed_by = NULL, claim_expires_at = NULL, updated_at = $1
				WHERE campaign_id = $2 AND state = 'sending' AND claim_expires_at <= $1 AND dispatched_at IS NULL`,
				[now, campaignId],
			);
			const unknown = await db.query(
				`UPDATE ${this.t.recipients} SET state = 'unknown', updated_at = $1
				WHERE campaign_id = $2 AND state = 'sending' AND claim_expires_at <= $1`,
				[now, campaignId],
			);
			return { unknown: unknown.rowCount ?? 0, requeued: requeued.rowCount ?? 0 };
		});
	}

	protected async requeueUnresolvedUnknownSql(campaignId: string, quietBefore: number, now: number): Promise<number> {
		const res = await this.query(
			`UPDATE ${this.t.recipients} SET state = 'retry', next_attempt_at = $1, claimed_by = NULL, claim_expires_at = NULL, updated_at = $1
			WHERE campaign_id = $2 AND state = 'unknown' AND COALESCE(dispatched_at, updated_at) < $3
			AND COALESCE(dispatched_at, updated_at) < (SELECT MAX(dispatched_at) FROM ${this.t.recipients}
				WHERE campaign_id = $2 AND state IN ('delivered', 'read', 'replied'))`,
			[now, campaignId, quietBefore],
		);
		return res.rowCount ?? 0;
	}

	protected async updateRecipientSql(campaignId: string, waId: string, update: RecipientUpdate, now: number): Promise<boolean> {
		const params: Param[] = [];
		const p = (value: Param): string => {
			params.push(value);
			return `$${params.length}`;
		};
		const sets: string[] = [`updated_at = ${p(now)}`];
		if (update.state !== undefined) {
			sets.push(`state = ${p(update.state)}`);
			// Leaving 'sending' ends the claim (a late guarded update from the old claim then fails).
			if (update.state !== 'sending') sets.push('claimed_by = NULL', 'claim_expires_at = NULL');
		}
		if (update.messageId !== undefined) sets.push(`message_id = ${p(update.messageId)}`);
		if (update.attemptsIncrement !== undefined) sets.push(`attempts = attempts + ${p(update.attemptsIncrement)}::int`);
		const nullable: Array<[keyof RecipientUpdate, string, string]> = [
			['deferDays', 'defer_days', 'int'],
			['nextAttemptAt', 'next_attempt_at', 'bigint'],
			['errorCode', 'error_code', 'int'],
			['errorClass', 'error_class', 'text'],
			['errorMessage', 'error_message', 'text'],
		];
		for (const [key, column, type] of nullable) {
			const value = update[key];
			if (value === undefined) continue;
			sets.push(`${column} = ${p(value as Param)}::${type}`);
		}
		let sql = `UPDATE ${this.t.recipients} SET ${sets.join(', ')} WHERE campaign_id = ${p(campaignId)} AND wa_id = ${p(waId)}`;
		if (update.expectClaimedBy !== undefined) {
			// Exactly-once guard: still claimed by this worker (in flight, or expired to 'unknown').
			sql += ` AND claimed_by = ${p(update.expectClaimedBy)} AND state IN ('sending', 'unknown')`;
		}
		const res = await this.query(sql, params);
		return (res.rowCount ?? 0) > 0;
	}

	async getRecipient(campaignId: string, waId: string): Promise<Recipient | undefined> {
		const { rows } = await this.query(`SELECT * FROM ${this.t.recipients} WHERE campaign_id = $1 AND wa_id = $2`, [
			String(campaignId),
			String(waId),
		]);
		return rows[0] ? toRecipient(rows[0]) : undefined;
	}

	protected async listRecipientsSql(campaignId: string, after: number | undefined, states: RecipientState[] | undefined, limit: number): Promise<Row[]> {
		const params: Param[] = [campaignId];
		const where = ['campaign_id = $1'];
		if (after !== undefined) {
			params.push(after);
			where.push(`id > $${params.length}`);
		}
		if (states !== undefined) {
			params.push(states);
			where.push(`state = ANY($${params.length}::text[])`);
		}
		params.push(limit);
		const { rows } = await this.query(
			`SELECT * FROM ${this.t.recipients} WHERE ${where.join(' AND ')} ORDER BY id LIMIT $${params.length}`,
			params,
		);
		return rows;
	}

	protected async expireRemainingSql(campaignId: string, now: number): Promise<number> {
		const res = await this.query(
			`UPDATE ${this.t.recipients} SET state = 'expired', next_attempt_at = NULL, error_class = 'expired',
			error_message = 'Not sent before the campaign ended (End By)', updated_at = $1
			WHERE campaign_id = $2 AND state IN ('queued', 'retry', 'deferred')`,
			[now, campaignId],
		);
		return res.rowCount ?? 0;
	}

	protected async dueCampaignRows(now: number, wabaId: string | null, campaignId: string | null): Promise<Row[]> {
		const { rows } = await this.query(
			`SELECT c.*,
				(SELECT COUNT(*) FROM ${this.t.recipients} r WHERE r.campaign_id = c.id AND (r.state = 'queued'
					OR (r.state IN ('retry', 'deferred') AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= $1)))) AS due_rows,
				(SELECT COUNT(*) FROM ${this.t.recipients} r WHERE r.campaign_id = c.id AND r.state IN ('queued', 'retry', 'deferred')) AS left_rows
			FROM ${this.t.campaigns} c WHERE c.state = 'running' AND ($2::text IS NULL OR c.waba_id = $2) AND ($3::text IS NULL OR c.id = $3)
			ORDER BY c.created_at, c.id`,
			[now, wabaId, campaignId],
		);
		return rows;
	}

	protected async reassignRecipientsSql(campaignId: string, from: string, pick: (waId: string) => string): Promise<number> {
		return this.tx(async (db) => {
			const { rows } = await db.query(
				`SELECT wa_id FROM ${this.t.recipients} WHERE campaign_id = $1 AND phone_number_id = $2 AND state IN ('queued', 'retry', 'deferred') FOR UPDATE SKIP LOCKED`,
				[campaignId, from],
			);
			const byTarget = new Map<string, string[]>();
			for (const r of rows) {
				const to = pick(r.wa_id as string);
				byTarget.set(to, [...(byTarget.get(to) ?? []), r.wa_id as string]);
			}
			let moved = 0;
			for (const [to, ids] of byTarget) {
				const res = await db.query(
					`UPDATE ${this.t.recipients} SET phone_number_id = $1 WHERE campaign_id = $2 AND wa_id = ANY($3::text[]) AND state IN ('queued', 'retry', 'deferred')`,
					[to, campaignId, ids],
				);
				moved += res.rowCount ?? 0;
			}
			return moved;
		});
	}

	protected async lastInboundRows(waIds: string[], phoneNumberIds: string[]): Promise<Row[]> {
		const { rows } = await this.query(
			`SELECT wa_id, phone_number_id FROM ${this.t.windows} WHERE wa_id = ANY($1::text[]) AND phone_number_id = ANY($2::text[]) ORDER BY last_inbound_at`,
			[waIds, phoneNumberIds],
		);
		return rows;
	}

	protected async recipientKeysSql(campaignId: string, waIds: string[]): Promise<string[]> {
		const { rows } = await this.query(`SELECT wa_id FROM ${this.t.recipients} WHERE campaign_id = $1 AND wa_id = ANY($2::text[])`, [campaignId, waIds]);
		return rows.map((r) => r.wa_id as string);
	}

	async nextDueAt(campaignId: string): Promise<number | undefined> {
		const { rows } = await this.query(
			`SELECT MIN(next_attempt_at) AS due FROM ${this.t.recipients} WHERE campaign_id = $1 AND state IN ('retry', 'deferred')`,
			[String(campaignId)],
		);
		return opt<number>(rows[0]?.due);
	}

	/** 42703 undefined_column: the ledger has no number per row (yet). */
	protected isMissingColumn(error: unknown): boolean {
		return (error as { code?: string })?.code === '42703';
	}

	protected async sendsPerHourRows(campaignId: string, since: number, perNumber: boolean): Promise<Row[]> {
		const { rows } = await this.query(
			`SELECT (dispatched_at / 3600000) * 3600000 AS hour${perNumber ? ', phone_number_id AS num' : ''}, COUNT(*) AS n FROM ${this.t.recipients}
			WHERE campaign_id = $1 AND dispatched_at IS NOT NULL AND dispatched_at >= $2 GROUP BY 1${perNumber ? ', 2' : ''} ORDER BY 1`,
			[campaignId, since],
		);
		return rows;
	}

	protected async stateCountRows(campaignId: string, perNumber: boolean): Promise<Row[]> {
		const num = perNumber ? 'phone_number_id AS num, ' : '';
		const { rows } = await this.query(`SELECT ${num}state, COUNT(*) AS n FROM ${this.t.recipients} WHERE campaign_id = $1 GROUP BY ${perNumber ? 'num, ' : ''}state`, [campaignId]);
		return rows;
	}

	protected async campaignCountRows(campaignId: string): Promise<CampaignCountRows> {
		const counts = async (column: string, where: string) =>
			(await this.query(`SELECT ${column}, COUNT(*) AS n FROM ${this.t.recipients} WHERE campaign_id = $1${where} GROUP BY ${column}`, [campaignId])).rows;
		return {
			byState: await counts('state', ''),
			byErrorCode: await counts('error_code', ' AND error_code IS NOT NULL'),
			byDeferDays: await counts('defer_days', ' AND defer_days > 0'),
		};
	}

	/** One status, inside the caller's transaction (the row is locked, so concurrent webhooks stay monotonic). */
	/** A recipient row's (alias r) campaign's max_defer_days, read with the row (applyStatusNow: one round trip per status fewer). */
	private get campaignMaxDeferDays(): string {
		return `(SELECT max_defer_days FROM ${this.t.campaigns} c WHERE c.id = r.campaign_id) AS campaign_max_defer_days`;
	}

	private async applyStatusNow(db: Queryable, update: StatusUpdate): Promise<Recipient | undefined> {
		let row: Row | undefined = (
			await db.query(`SELECT *, ${this.campaignMaxDeferDays} FROM ${this.t.recipients} r WHERE message_id = $1 LIMIT 1 FOR UPDATE`, [update.messageId])
		).rows[0];
		let setMessageId = false;
		if (!row) {
			// A row left 'unknown' (timeout after write), or still 'sending' because the status webhook beat
			// the worker's own write, learns its message id from the echoed callback data.
			const cb = parseCallbackData(update.callbackData);
			if (!cb) return undefined;
			row = (
				await db.query(`SELECT *, ${this.campaignMaxDeferDays} FROM ${this.t.recipients} r WHERE campaign_id = $1 AND wa_id = $2 FOR UPDATE`, [cb.campaignId, cb.waId])
			).rows[0];
			if (!row || (row.state !== 'unknown' && row.state !== 'sending') || (row.message_id !== null && row.message_id !== update.messageId)) return undefined;
			setMessageId = true;
		}
		const maxDeferDays = Number(row.campaign_max_defer_days ?? DEFAULT_MAX_DEFER_DAYS);
		const deferral = deferralForStatus(row.state as RecipientState, Number(row.defer_days ?? 0), maxDeferDays, update);
		if (deferral) {
			const deferred = await db.query(
				`UPDATE ${this.t.recipients} SET state = $1, next_attempt_at = $2, defer_days = $3, message_id = NULL, error_code = $4,
				error_class = 'defer_day', error_message = $5, claimed_by = NULL, claim_expires_at = NULL, updated_at = $6 WHERE id = $7 RETURNING *`,
				[deferral.state, deferral.nextAttemptAt, deferral.deferDays, update.errorCode ?? null, deferral.errorMessage, update.at, row.id as number],
			);
			return toRecipient(deferred.rows[0]);
		}
		const next = nextStateForStatus(row.state as RecipientState, update.status);
		if (!next && !setMessageId) return toRecipient(row);
		const failed = next === 'failed';
		const { rows } = await db.query(
			`UPDATE ${this.t.recipients} SET
				state = COALESCE($1::text, state),
				message_id = COALESCE(message_id, $2::text),
				error_code = CASE WHEN $3::boolean THEN $4::int ELSE error_code END,
				error_message = CASE WHEN $3::boolean THEN $5::text ELSE error_message END,
				claimed_by = CASE WHEN $1::text IS NULL THEN claimed_by ELSE NULL END,
				claim_expires_at = CASE WHEN $1::text IS NULL THEN claim_expires_at ELSE NULL END,
				updated_at = $6
			WHERE id = $7 RETURNING *`,
			[next ?? null, update.messageId, failed, update.errorCode ?? null, update.errorMessage ?? null, update.at, row.id as number],
		);
		return toRecipient(rows[0]);
	}

	protected async applyStatusesSql(updates: StatusUpdate[]): Promise<Array<Recipient | undefined>> {
		return this.tx(async (db) => {
			const out: Array<Recipient | undefined> = [];
			for (const u of updates) out.push(await this.applyStatusNow(db, u));
			return out;
		});
	}

	protected async markRepliedSql(messageId: string, at: number): Promise<Recipient | undefined> {
		return this.tx((db) => this.markRepliedIn(db, messageId, at));
	}

	private async markRepliedIn(db: Queryable, messageId: string, at: number): Promise<Recipient | undefined> {
		const row = (await db.query(`SELECT * FROM ${this.t.recipients} WHERE message_id = $1 LIMIT 1 FOR UPDATE`, [messageId])).rows[0];
		if (!row) return undefined;
		if (!canMarkReplied(row.state as RecipientState)) return toRecipient(row);
		const { rows } = await db.query(
			`UPDATE ${this.t.recipients} SET state = 'replied', claimed_by = NULL, claim_expires_at = NULL, updated_at = $1
			WHERE id = $2 RETURNING *`,
			[at, row.id as number],
		);
		return toRecipient(rows[0]);
	}

	// ───────────── conversation windows (cloud-api.md §6) ─────────────

	protected async recordInboundSql(records: InboundRecord[]): Promise<void> {
		await this.tx((db) => this.recordInboundIn(db, records));
	}

	private async recordInboundIn(db: Queryable, records: InboundRecord[]): Promise<void> {
		for (let i = 0; i < records.length; i += CHUNK) {
			const chunk = records.slice(i, i + CHUNK);
			// Keeps the latest inbound (webhooks arrive out of order); a referral (click-to-WhatsApp ad /
			// Page CTA) records the start of a free entry point conversation. GROUP BY: one row per pair
			// (ON CONFLICT DO UPDATE cannot touch a row twice); GREATEST ignores NULLs.
			await db.query(
				`INSERT INTO ${this.t.windows} AS w (phone_number_id, wa_id, last_inbound_at, free_entry_point_at)
				SELECT u.p, u.w, MAX(u.at), MAX(u.fep) FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS u(p, w, at, fep)
				GROUP BY u.p, u.w ORDER BY u.p, u.w
				ON CONFLICT (phone_number_id, wa_id) DO UPDATE SET
					last_inbound_at = GREATEST(w.last_inbound_at, EXCLUDED.last_inbound_at),
					free_entry_point_at = GREATEST(w.free_entry_point_at, EXCLUDED.free_entry_point_at)`,
				[
					chunk.map((r) => r.phoneNumberId),
					chunk.map((r) => r.waId),
					chunk.map((r) => r.at),
					chunk.map((r) => (r.referral ? r.at : null)),
				],
			);
		}
	}

	protected async windowRow(phoneNumberId: string, waId: string): Promise<Row | undefined> {
		return (await this.query(`SELECT * FROM ${this.t.windows} WHERE phone_number_id = $1 AND wa_id = $2`, [phoneNumberId, waId])).rows[0];
	}

	// ───────────── rolling 24 h recipient budget (cloud-api.md §5) ─────────────

	protected async reserveBudgetSql(portfolioId: string, waId: string, limit: number, now: number): Promise<BudgetReservation> {
		const since = now - DAY_MS;
		return this.tx(async (db): Promise<BudgetReservation> => {
			// One reserver per portfolio at a time, across every process: count + insert cannot interleave.
			await db.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [LOCK_BUDGET, portfolioId]);
			if (Math.abs(now - this.lastBudgetPrune) >= PRUNE_EVERY_MS) {
				this.lastBudgetPrune = now;
				await db.query(`DELETE FROM ${this.t.budget} WHERE portfolio_id = $1 AND first_at <= $2`, [portfolioId, since]);
			}
			const { rows } = await db.query(
				`SELECT (SELECT first_at FROM ${this.t.budget} WHERE portfolio_id = $1 AND wa_id = $2) AS prev_at,
					COUNT(*) AS used, MIN(first_at) AS oldest
				FROM ${this.t.budget} WHERE portfolio_id = $1 AND first_at > $3`,
				[portfolioId, waId, since],
			);
			const prevAt = opt<number>(rows[0].prev_at);
			const used = rows[0].used as number;
			// Already counted in the last 24 h: messaging them again costs nothing.
			if (prevAt !== undefined && prevAt > since) return { ok: true, used, charged: false };
			if (used < limit) {
				await db.query(
					`INSERT INTO ${this.t.budget} (portfolio_id, wa_id, first_at) VALUES ($1, $2, $3)
					ON CONFLICT (portfolio_id, wa_id) DO UPDATE SET first_at = EXCLUDED.first_at`,
					[portfolioId, waId, now],
				);
				return { ok: true, used: used + 1, charged: true };
			}
			return { ok: false, used, availableAt: (opt<number>(rows[0].oldest) ?? now) + DAY_MS, charged: false };
		});
	}

	protected async releaseBudgetSql(portfolioId: string, waId: string, now: number): Promise<void> {
		await this.query(`DELETE FROM ${this.t.budget} WHERE portfolio_id = $1 AND wa_id = $2 AND first_at > $3`, [portfolioId, waId, now - DAY_MS]);
	}

	protected async budgetUsedSql(portfolioId: string, now: number): Promise<number> {
		const { rows } = await this.query(`SELECT COUNT(*) AS n FROM ${this.t.budget} WHERE portfolio_id = $1 AND first_at > $2`, [portfolioId, now - DAY_MS]);
		return rows[0].n as number;
	}

	protected async bookArrivalSql(key: string, booking: ArrivalBooking, raises: Array<{ seq: number; at: number }>): Promise<ArrivalGrant> {
		// One round trip: book_arrival (migration 4) locks the key's pace row, applies the raises,
		// plans the slot from every worker's arrival bounds, books it.
		const { rows } = await this.query(`SELECT out_seq, out_at FROM ${this.fn.bookArrival}($1, $2, $3, $4, $5, $6, $7, $8, $9::bigint[], $10::float8[])`, [
			key,
			booking.ratePerS,
			booking.toleranceMs,
			booking.windowCount,
			booking.windowMs,
			booking.at,
			booking.maxAheadMs,
			booking.keepMs,
			raises.map((r) => String(r.seq)),
			raises.map((r) => r.at),
		]);
		return { seq: Number(rows[0].out_seq), at: Number(rows[0].out_at) };
	}

	// ───────────── webhook de-duplication ─────────────

	protected async markProcessedSql(keys: string[], at: number): Promise<boolean[]> {
		return this.tx((db) => this.markProcessedIn(db, keys, at));
	}

	private async markProcessedIn(db: Queryable, keys: string[], at: number): Promise<boolean[]> {
		if (Math.abs(at - this.lastProcessedPrune) >= PRUNE_EVERY_MS) {
			this.lastProcessedPrune = at;
			await db.query(`DELETE FROM ${this.t.processed} WHERE at < $1`, [at - PROCESSED_RETENTION_MS]);
		}
		// The unique key decides across processes: only the first insert of a key returns it.
		const fresh = new Set<string>();
		for (let i = 0; i < keys.length; i += CHUNK) {
			const { rows } = await db.query(
				`INSERT INTO ${this.t.processed} (key, at) SELECT k, $2 FROM unnest($1::text[]) WITH ORDINALITY AS u(k, ord)
				ORDER BY u.ord ON CONFLICT (key) DO NOTHING RETURNING key`,
				[keys.slice(i, i + CHUNK), at],
			);
			for (const r of rows) fresh.add(r.key as string);
		}
		// A key given twice in one call: only its first occurrence is new.
		return keys.map((key) => fresh.delete(key));
	}

	/**
	 * Everything one webhook request writes, in ONE transaction (trigger hot path): windows,
	 * statuses, replies, contact activity, then the de-duplication keys. All or nothing, so a
	 * failure leaves nothing marked processed and Meta's redelivery redoes it.
	 */
	protected async applyWebhookBatchSql(batch: WebhookBatch): Promise<WebhookBatchResult> {
		return this.tx(async (db) => {
			if (batch.inbound.length) await this.recordInboundIn(db, batch.inbound);
			for (const u of batch.statuses) await this.applyStatusNow(db, u);
			let replies = 0;
			for (const r of batch.replies) if ((await this.markRepliedIn(db, r.messageId, r.at))?.state === 'replied') replies++;
			if (batch.replyAttributionMs && batch.replyAttributionMs > 0) {
				for (const i of batch.inbound) if (await this.attributeReplyIn(db, i.phoneNumberId, i.waId, i.at, batch.replyAttributionMs)) replies++;
			}
			for (const t of batch.touches) await this.touchContactIn(db, t.waId, t.at, t.name);
			const fresh = batch.processedKeys.length ? await this.markProcessedIn(db, batch.processedKeys, batch.at) : [];
			const breakers = batch.breakers?.length ? await this.applyBreakersIn(db, freshBreakers(batch, fresh), batch.at) : [];
			const outbox = freshOutbox(batch, fresh);
			for (let i = 0; i < outbox.length; i += CHUNK) {
				const part = outbox.slice(i, i + CHUNK);
				await db.query(
					`INSERT INTO ${this.t.outbox} (target, key, payload, created_at)
					SELECT t, k, p, $4 FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS u(t, k, p, ord)
					ORDER BY u.ord ON CONFLICT (target, key) DO NOTHING`,
					[part.map((o) => o.target), part.map((o) => o.key), part.map((o) => o.payload), batch.at],
				);
			}
			return { fresh, breakers, replies };
		});
	}

	// ───────────── webhook outbox (core/receiver, issue 19) ─────────────

	protected async claimOutboxSql(target: string, claim: OutboxClaim, now: number, limit: number): Promise<Row[]> {
		// SKIP LOCKED: several receivers behind a load balancer claim disjoint rows without waiting on each other.
		const { rows } = await this.query(
			`UPDATE ${this.t.outbox} o SET leased_until = $3, leased_by = $4 FROM (
				SELECT id FROM ${this.t.outbox} WHERE target = $1 AND delivered_at IS NULL AND next_attempt_at <= $2 AND leased_until <= $2
				ORDER BY id LIMIT $5 FOR UPDATE SKIP LOCKED
			) due WHERE o.id = due.id RETURNING o.id, o.target, o.key, o.payload, o.created_at, o.attempts`,
			[target, now, now + claim.leaseMs, claim.worker, limit],
		);
		return rows;
	}

	protected async completeOutboxSql(ids: number[], worker: string, now: number): Promise<void> {
		await this.query(`UPDATE ${this.t.outbox} SET delivered_at = $1, leased_until = 0 WHERE id = ANY($2::bigint[]) AND leased_by = $3 AND delivered_at IS NULL`, [
			now,
			ids,
			worker,
		]);
		if (Math.abs(now - this.lastOutboxPrune) >= PRUNE_EVERY_MS) {
			this.lastOutboxPrune = now;
			await this.query(`DELETE FROM ${this.t.outbox} WHERE delivered_at IS NOT NULL AND delivered_at < $1`, [now - OUTBOX_RETENTION_MS]);
		}
	}

	protected async failOutboxSql(ids: number[], worker: string, error: string, retryAt: number): Promise<void> {
		await this.query(
			`UPDATE ${this.t.outbox} SET attempts = attempts + 1, next_attempt_at = $1, leased_until = 0, last_error = $2
			WHERE id = ANY($3::bigint[]) AND leased_by = $4 AND delivered_at IS NULL`,
			[retryAt, error, ids, worker],
		);
	}

	async outboxCounts(target?: string): Promise<{ pending: number; delivered: number }> {
		const { rows } = await this.query(
			`SELECT COUNT(*) FILTER (WHERE delivered_at IS NULL) AS pending, COUNT(*) FILTER (WHERE delivered_at IS NOT NULL) AS delivered
			FROM ${this.t.outbox} WHERE ($1::text IS NULL OR target = $1)`,
			[target ?? null],
		);
		return { pending: Number(rows[0]?.pending ?? 0), delivered: Number(rows[0]?.delivered ?? 0) };
	}

	/** A typed reply → the customer's latest campaign message from this number within windowMs (see the SQLite store). */
	private async attributeReplyIn(db: Queryable, phoneNumberId: string, waId: string, at: number, windowMs: number): Promise<boolean> {
		const row = (
			await db.query(
				`SELECT r.id, r.state FROM ${this.t.recipients} r JOIN ${this.t.campaigns} c ON c.id = r.campaign_id
				WHERE r.wa_id = $1 AND c.phone_number_id = $2 AND r.dispatched_at IS NOT NULL AND r.dispatched_at <= $3 AND r.dispatched_at >= $4
				ORDER BY r.dispatched_at DESC LIMIT 1 FOR UPDATE OF r`,
				[waId, phoneNumberId, at + WEBHOOK_TIME_RESOLUTION_MS, at - windowMs],
			)
		).rows[0];
		if (!row || !REPLY_ATTRIBUTABLE.includes(row.state as RecipientState)) return false;
		await db.query(`UPDATE ${this.t.recipients} SET state = 'replied', updated_at = $1 WHERE id = $2`, [at, row.id as number]);
		return true;
	}

	// ───────────── identity (issue 14): one contact per person ─────────────

	protected async identityRows(forms: string[]): Promise<{ keys: Row[]; links: Row[] }> {
		const [keys, links] = await Promise.all([
			this.query(`SELECT wa_id FROM ${this.t.contacts} WHERE wa_id = ANY($1::text[])`, [forms]),
			this.query(`SELECT identifier, contact_key FROM ${this.t.identities} WHERE identifier = ANY($1::text[])`, [forms]),
		]);
		return { keys: keys.rows, links: links.rows };
	}

	protected async linkIdentitySql(key: string, identifier: string, kind: IdentityKind, source: string, at: number): Promise<{ key: string; merged?: string }> {
		return this.tx(async (db) => {
			// One person is learnt by one transaction at a time: lock both identifiers (in a fixed order).
			for (const id of [key, identifier].sort()) await db.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`wa-identity:${id}`]);
			const holder = async (id: string): Promise<string | undefined> => {
				if ((await db.query(`SELECT 1 FROM ${this.t.contacts} WHERE wa_id = $1`, [id])).rows[0]) return id;
				return (await db.query(`SELECT contact_key FROM ${this.t.identities} WHERE identifier = $1`, [id])).rows[0]?.contact_key as string | undefined;
			};
			let target = (await holder(key)) ?? key;
			await db.query(`INSERT INTO ${this.t.contacts} (wa_id, created_at, updated_at) VALUES ($1, $2, $2) ON CONFLICT (wa_id) DO NOTHING`, [target, at]);
			let merged: string | undefined;
			const other = identifier === target ? undefined : await holder(identifier);
			if (other && other !== target) {
				const { into, from } = mergeSurvivor(target, other);
				await this.mergeContactsIn(db, into, from, `${kind} ${identifier} (${source})`, at);
				merged = from;
				target = into;
			}
			if (identifier !== target) {
				await db.query(
					`INSERT INTO ${this.t.identities} (identifier, contact_key, kind, source, created_at) VALUES ($1, $2, $3, $4, $5)
					ON CONFLICT (identifier) DO UPDATE SET contact_key = EXCLUDED.contact_key`,
					[identifier, target, kind, source, at],
				);
			}
			return merged ? { key: target, merged } : { key: target };
		});
	}

	/** Merges contact `from` into `into` inside the caller's transaction (see Store.linkIdentity). */
	private async mergeContactsIn(db: Queryable, into: string, from: string, reason: string, at: number): Promise<void> {
		const rows = (await db.query(`SELECT * FROM ${this.t.contacts} WHERE wa_id = ANY($1::text[]) FOR UPDATE`, [[into, from]])).rows;
		const a = rows.find((r) => r.wa_id === into) as Row;
		const b = rows.find((r) => r.wa_id === from) as Row;
		const m = mergeContactRows(a, b);
		await db.query(
			`UPDATE ${this.t.contacts} SET name = $1, first_name = $2, last_name = $3, country = $4, source = $5, tags = $6::jsonb, attributes = $7::jsonb,
			opted_out = $8, opt_out_at = $9, opt_out_source = $10, opt_in_at = $11, opt_in_source = $12, blocked_at = $13, block_reason = $14,
			created_at = $15, last_active_at = $16, updated_at = $17 WHERE wa_id = $18`,
			[
				m.name as Param, m.first_name as Param, m.last_name as Param, m.country as Param, m.source as Param,
				JSON.stringify(m.tags), JSON.stringify(m.attributes), Boolean(m.opted_out),
				m.opt_out_at as Param, m.opt_out_source as Param, m.opt_in_at as Param, m.opt_in_source as Param,
				m.blocked_at as Param, m.block_reason as Param, m.created_at as Param, m.last_active_at as Param, at, into,
			],
		);
		await db.query(`DELETE FROM ${this.t.contactTags} WHERE wa_id = ANY($1::text[])`, [[into, from]]);
		const tags = m.tags as string[];
		if (tags.length) await db.query(`INSERT INTO ${this.t.contactTags} (wa_id, tag) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, [into, tags]);
		// The latest window wins, per business number.
		await db.query(
			`INSERT INTO ${this.t.windows} AS w (phone_number_id, wa_id, last_inbound_at, free_entry_point_at)
			SELECT phone_number_id, $1, last_inbound_at, free_entry_point_at FROM ${this.t.windows} WHERE wa_id = $2
			ON CONFLICT (phone_number_id, wa_id) DO UPDATE SET last_inbound_at = GREATEST(w.last_inbound_at, EXCLUDED.last_inbound_at),
			free_entry_point_at = GREATEST(w.free_entry_point_at, EXCLUDED.free_entry_point_at)`,
			[into, from],
		);
		await db.query(`DELETE FROM ${this.t.windows} WHERE wa_id = $1`, [from]);
		await db.query(`UPDATE ${this.t.identities} SET contact_key = $1 WHERE contact_key = $2`, [into, from]);
		await db.query(
			`INSERT INTO ${this.t.identities} (identifier, contact_key, kind, source, created_at) VALUES ($1, $2, 'merged', $3, $4)
			ON CONFLICT (identifier) DO UPDATE SET contact_key = EXCLUDED.contact_key`,
			[from, into, reason.slice(0, 200), at],
		);
		await db.query(`DELETE FROM ${this.t.contacts} WHERE wa_id = $1`, [from]);
		await db.query(`INSERT INTO ${this.t.merges} (into_key, from_key, reason, at) VALUES ($1, $2, $3, $4)`, [into, from, reason.slice(0, 500), at]);
		await this.bumpGateIn(db); // consent may have changed for either identifier
	}

	protected async contactIdentityRows(key: string): Promise<Row[]> {
		return (await this.query(`SELECT identifier, kind, source, created_at FROM ${this.t.identities} WHERE contact_key = $1 ORDER BY created_at, identifier`, [key])).rows;
	}

	// ───────────── send-time gates and circuit breakers (issue 13) ─────────────

	private async bumpGateIn(db: Queryable): Promise<void> {
		await db.query(`UPDATE ${this.t.gateVersion} SET version = version + 1 WHERE id = 1`);
	}

	async gateVersion(): Promise<number> {
		const { rows } = await this.query(`SELECT version FROM ${this.t.gateVersion} WHERE id = 1`);
		return Number(rows[0]?.version ?? 0);
	}

	protected async gatedContactRows(waIds: string[]): Promise<Row[]> {
		const { rows } = await this.query(
			`SELECT wa_id, opted_out, opt_out_source, opt_out_at, blocked_at, block_reason FROM ${this.t.contacts}
			WHERE wa_id = ANY($1::text[]) AND (blocked_at IS NOT NULL OR opted_out)`,
			[waIds],
		);
		return rows;
	}

	protected async setBlockedSql(waId: string, blocked: boolean, reason: string, at: number): Promise<Contact | undefined> {
		return this.tx(async (db) => {
			let changed: number;
			if (blocked) {
				changed =
					(
						await db.query(
							`INSERT INTO ${this.t.contacts} AS c (wa_id, blocked_at, block_reason, created_at, updated_at) VALUES ($1, $2, $3, $2, $2)
							ON CONFLICT (wa_id) DO UPDATE SET blocked_at = EXCLUDED.blocked_at, block_reason = EXCLUDED.block_reason, updated_at = EXCLUDED.updated_at
							WHERE c.blocked_at IS NULL`,
							[waId, at, reason],
						)
					).rowCount ?? 0;
			} else {
				changed =
					(
						await db.query(`UPDATE ${this.t.contacts} SET blocked_at = NULL, block_reason = NULL, updated_at = $2 WHERE wa_id = $1 AND blocked_at IS NOT NULL`, [
							waId,
							at,
						])
					).rowCount ?? 0;
			}
			if (changed > 0) await this.bumpGateIn(db);
			const { rows } = await db.query(`SELECT ${CONTACT_COLUMNS} FROM ${this.t.contacts} c WHERE c.wa_id = $1`, [waId]);
			return rows[0] ? toContact(rows[0]) : undefined;
		});
	}

	protected async setNumberHealthSql(h: NumberHealth): Promise<void> {
		await this.tx((db) => this.setNumberHealthIn(db, h));
	}

	private async setNumberHealthIn(db: Queryable, h: NumberHealth): Promise<void> {
		const prev = (await db.query(`SELECT quality, messaging_limit FROM ${this.t.numberHealth} WHERE phone_number_id = $1 FOR UPDATE`, [h.phoneNumberId])).rows[0];
		await db.query(
			`INSERT INTO ${this.t.numberHealth} AS n (phone_number_id, display_digits, waba_id, quality, messaging_limit, tier, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (phone_number_id) DO UPDATE SET
				display_digits = COALESCE(EXCLUDED.display_digits, n.display_digits),
				waba_id = COALESCE(EXCLUDED.waba_id, n.waba_id),
				quality = COALESCE(EXCLUDED.quality, n.quality),
				messaging_limit = CASE WHEN $8::boolean THEN EXCLUDED.messaging_limit ELSE n.messaging_limit END,
				tier = COALESCE(EXCLUDED.tier, n.tier),
				updated_at = EXCLUDED.updated_at`,
			[h.phoneNumberId, h.displayDigits ?? null, h.wabaId ?? null, h.quality ?? null, h.messagingLimit ?? null, h.tier ?? null, h.updatedAt, h.messagingLimit !== undefined],
		);
		if (numberHealthMovesGate(prev, h)) await this.bumpGateIn(db);
	}

	async getNumberHealth(phoneNumberId: string): Promise<NumberHealth | undefined> {
		const { rows } = await this.query(`SELECT * FROM ${this.t.numberHealth} WHERE phone_number_id = $1`, [String(phoneNumberId)]);
		return rows[0] ? toNumberHealth(rows[0]) : undefined;
	}

	protected async applyBreakersSql(actions: BreakerAction[], at: number): Promise<BreakerEffect[]> {
		return this.tx((db) => this.applyBreakersIn(db, actions, at));
	}

	private async applyBreakersIn(db: Queryable, actions: BreakerAction[], at: number): Promise<BreakerEffect[]> {
		const effects: BreakerEffect[] = [];
		const move = async (where: string, params: Param[], state: 'paused' | 'account_stopped', reason: string, by: string) => {
			const { rows } = await db.query(
				`UPDATE ${this.t.campaigns} SET state = $1, reason = $2, state_by = $3, state_at = $4, updated_at = $4 WHERE ${where} RETURNING id`,
				[state, reason, by, at, ...params],
			);
			for (const r of rows) effects.push({ campaignId: r.id as string, state, reason, by });
		};
		for (const a of actions) {
			if (a.kind === 'template') {
				await move(
					`state = 'running' AND ((template_id IS NOT NULL AND template_id = $5::text) OR ((template_id IS NULL OR $5::text IS NULL) AND template_name = $6::text AND ($7::text IS NULL OR template_language = $7::text)))`,
					[a.templateId ?? null, a.templateName ?? null, a.language ?? null],
					'paused',
					a.reason,
					a.by,
				);
			} else if (a.kind === 'number_quality') {
				await move(
					`state = 'running' AND UPPER(COALESCE(category, '')) = 'MARKETING' AND quality_breaker AND sender_pool IS NULL AND (phone_number_id = $5::text
					OR phone_number_id IN (SELECT phone_number_id FROM ${this.t.numberHealth} WHERE display_digits = $6::text))`,
					[a.phoneNumberId ?? null, a.displayDigits ?? null],
					'paused',
					a.reason,
					a.by,
				);
			} else if (a.kind === 'account') {
				await move(`state IN ('running', 'paused') AND waba_id = $5::text`, [a.wabaId], 'account_stopped', a.reason, a.by);
			} else if (a.kind === 'template_category') {
				// The category map (issue 17): every campaign of the template, whatever its state.
				await db.query(
					`UPDATE ${this.t.campaigns} SET category = $1, updated_at = $2 WHERE (template_id IS NOT NULL AND template_id = $3::text) OR ((template_id IS NULL OR $3::text IS NULL) AND template_name = $4::text AND ($5::text IS NULL OR template_language = $5::text))`,
					[a.category, at, a.templateId ?? null, a.templateName ?? null, a.language ?? null],
				);
			} else if (a.kind === 'number_limit') {
				const ids = a.phoneNumberId
					? [a.phoneNumberId]
					: (
							await db.query(`SELECT phone_number_id FROM ${this.t.numberHealth} WHERE display_digits = $1::text OR ($1::text IS NULL AND waba_id = $2::text)`, [
								a.displayDigits ?? null,
								a.wabaId ?? null,
							])
						).rows.map(
							(r) => r.phone_number_id as string,
						);
				for (const id of ids) await this.setNumberHealthIn(db, { phoneNumberId: id, wabaId: a.wabaId, messagingLimit: a.messagingLimit, tier: a.tier, updatedAt: at });
			}
		}
		if (effects.length) await this.bumpGateIn(db);
		return effects;
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		await this.pool.end();
	}
}

/** Opens the Postgres store (what `openStore` calls for backend "postgres"). */
export async function openPostgresStore(options: PostgresStoreOptions & PostgresPoolTuning): Promise<Store> {
	return PostgresStore.open(options);
}
