/**
 * Pending "Send and Wait for Response" executions, shared by every n8n process (queue mode): the
 * waiting node records (business number, contact, n8n's signed resume URL, the question's message
 * ID, deadline); the WhatsApp Cloud Trigger, on an inbound message from that contact to that number,
 * claims the matching waits and calls their resume URLs with the answer.
 *
 * Claiming is one `DELETE … RETURNING` (SQLite ≥ 3.35 and Postgres), so when several processes
 * receive the same answer only one resumes each wait. A reply that quotes the question (WhatsApp's
 * reply context, `context.id`) claims only the wait of that question; any other message claims
 * every open wait of the contact on that number. Expired waits are never claimed (n8n resumes
 * those executions itself, on the timeout path) and are deleted on the next write.
 *
 * The table lives beside the WhatsApp store's tables (same SQLite file / Postgres schema), created
 * with `IF NOT EXISTS` by this module rather than by a store migration: it is a queue of short-lived
 * rows with no history and nothing else reads it. Pure core: no n8n imports.
 */
import type { DatabaseSync } from 'node:sqlite';
import { Pool } from 'pg';
import { checkSchemaName, postgresPoolConfig } from '../store/postgres';
import { openSqliteDatabase } from '../store/sqlite';
import type { PostgresStoreOptions, StoreOptions } from '../store/types';

/** What the WhatsApp Cloud Trigger POSTs to a waiting execution's resume URL: the contact's answer. */
export interface WaitAnswer {
	source: 'whatsapp-cloud-trigger';
	/** The answer's message ID (wamid) and type (text, interactive, button…). */
	messageId: string;
	type: string;
	from?: string;
	phoneNumberId?: string;
	/** What the contact wrote, or the tapped button's title / text. */
	text?: string;
	/** A reply button's ID, or a template quick reply's payload. */
	buttonId?: string;
	/** When the contact sent it (Meta's timestamp, ISO 8601). */
	timestamp?: string;
	/** The message the contact quoted (the question, when they used "reply"). */
	replyToMessageId?: string;
	profileName?: string;
}

export interface PendingWait {
	/** Unique per wait (execution id + node id). */
	id: string;
	phoneNumberId: string;
	/** The contact's WhatsApp ID (phone digits). */
	waId: string;
	/** n8n's signed resume URL of the waiting node (`$execution.resumeUrl/<node id>?signature=…`). */
	resumeUrl: string;
	/** The question's message ID (wamid): a reply quoting it resumes this wait only. */
	messageId?: string;
	executionId?: string;
	createdAt: number;
	/** After this the wait is not claimed: n8n's timeout resumes the execution. */
	expiresAt: number;
}

export interface WaitStore {
	add(wait: PendingWait): Promise<void>;
	/** Removes and returns the open waits this inbound message answers (see the module comment). */
	claim(phoneNumberId: string, waId: string, now: number, replyTo?: string): Promise<PendingWait[]>;
	/** Open waits of a contact (tests, diagnostics). */
	pending(phoneNumberId: string, waId: string, now: number): Promise<PendingWait[]>;
	close(): Promise<void>;
}

const TABLE = 'send_and_wait';

interface Row {
	id: string;
	phone_number_id: string;
	wa_id: string;
	resume_url: string;
	message_id: string | null;
	execution_id: string | null;
	created_at: number | string;
	expires_at: number | string;
}

/** A send_and_wait row → PendingWait (the times come back as numbers or strings, by backend). */
function fromRow(r: Row): PendingWait {
	const { id, phone_number_id: phoneNumberId, wa_id: waId, resume_url: resumeUrl } = r;
	return { id, phoneNumberId, waId, resumeUrl, messageId: r.message_id ?? undefined, executionId: r.execution_id ?? undefined, createdAt: Number(r.created_at), expiresAt: Number(r.expires_at) };
}

const byCreation = (a: PendingWait, b: PendingWait) => a.createdAt - b.createdAt || a.id.localeCompare(b.id);

/** In-process waits (a `:memory:` store: tests, one process). */
export class MemoryWaitStore implements WaitStore {
	private readonly waits = new Map<string, PendingWait>();

	async add(wait: PendingWait): Promise<void> {
		for (const [id, w] of this.waits) if (w.expiresAt <= wait.createdAt) this.waits.delete(id);
		this.waits.set(wait.id, { ...wait });
	}

	async claim(phoneNumberId: string, waId: string, now: number, replyTo?: string): Promise<PendingWait[]> {
		const open = [...this.waits.values()].filter((w) => w.phoneNumberId === phoneNumberId && w.waId === waId && w.expiresAt > now);
		const quoted = replyTo ? open.filter((w) => w.messageId === replyTo) : [];
		const claimed = quoted.length ? quoted : open;
		for (const w of claimed) this.waits.delete(w.id);
		return claimed.sort(byCreation);
	}

	async pending(phoneNumberId: string, waId: string, now: number): Promise<PendingWait[]> {
		return [...this.waits.values()].filter((w) => w.phoneNumberId === phoneNumberId && w.waId === waId && w.expiresAt > now).sort(byCreation);
	}

	async close(): Promise<void> {}
}

const COLUMNS = 'id, phone_number_id, wa_id, resume_url, message_id, execution_id, created_at, expires_at';

export class SqliteWaitStore implements WaitStore {
	private constructor(private readonly db: DatabaseSync) {}

	static open(path: string): SqliteWaitStore {
		const db = openSqliteDatabase(path, 2);
		db.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (
			id TEXT PRIMARY KEY, phone_number_id TEXT NOT NULL, wa_id TEXT NOT NULL, resume_url TEXT NOT NULL,
			message_id TEXT, execution_id TEXT, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)`);
		db.exec(`CREATE INDEX IF NOT EXISTS ${TABLE}_contact ON ${TABLE} (phone_number_id, wa_id)`);
		return new SqliteWaitStore(db);
	}

	async add(w: PendingWait): Promise<void> {
		this.db.prepare(`DELETE FROM ${TABLE} WHERE expires_at <= ?`).run(w.createdAt);
		this.db
			.prepare(`INSERT OR REPLACE INTO ${TABLE} (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
			.run(w.id, w.phoneNumberId, w.waId, w.resumeUrl, w.messageId ?? null, w.executionId ?? null, w.createdAt, w.expiresAt);
	}

	async claim(phoneNumberId: string, waId: string, now: number, replyTo?: string): Promise<PendingWait[]> {
		if (replyTo) {
			const quoted = this.db
				.prepare(`DELETE FROM ${TABLE} WHERE phone_number_id = ? AND wa_id = ? AND message_id = ? AND expires_at > ? RETURNING ${COLUMNS}`)
				.all(phoneNumberId, waId, replyTo, now) as unknown as Row[];
			if (quoted.length) return quoted.map(fromRow).sort(byCreation);
		}
		const rows = this.db
			.prepare(`DELETE FROM ${TABLE} WHERE phone_number_id = ? AND wa_id = ? AND expires_at > ? RETURNING ${COLUMNS}`)
			.all(phoneNumberId, waId, now) as unknown as Row[];
		return rows.map(fromRow).sort(byCreation);
	}

	async pending(phoneNumberId: string, waId: string, now: number): Promise<PendingWait[]> {
		const rows = this.db.prepare(`SELECT ${COLUMNS} FROM ${TABLE} WHERE phone_number_id = ? AND wa_id = ? AND expires_at > ?`).all(phoneNumberId, waId, now) as unknown as Row[];
		return rows.map(fromRow).sort(byCreation);
	}

	async close(): Promise<void> {
		this.db.close();
	}
}

export class PostgresWaitStore implements WaitStore {
	private constructor(
		private readonly pool: Pool,
		private readonly table: string,
	) {}

	static async open(options: PostgresStoreOptions): Promise<PostgresWaitStore> {
		const schema = checkSchemaName(options.schema);
		const pool = new Pool({ ...postgresPoolConfig({ ...options, poolSize: 2, applicationName: 'n8n-nodes-whatsapp-cloud send-and-wait' }) });
		pool.on('error', () => undefined);
		const table = `"${schema}".${TABLE}`;
		const ddl = [
			`CREATE SCHEMA IF NOT EXISTS "${schema}"`,
			`CREATE TABLE IF NOT EXISTS ${table} (
				id TEXT PRIMARY KEY, phone_number_id TEXT NOT NULL, wa_id TEXT NOT NULL, resume_url TEXT NOT NULL,
				message_id TEXT, execution_id TEXT, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)`,
			`CREATE INDEX IF NOT EXISTS ${TABLE}_contact ON ${table} (phone_number_id, wa_id)`,
		];
		try {
			for (const sql of ddl) {
				try {
					await pool.query(sql);
				} catch (error) {
					// Two processes creating the table at once: one wins, the other sees a duplicate.
					const code = (error as { code?: string }).code;
					if (code !== '23505' && code !== '42P07' && code !== '42710') throw error;
				}
			}
		} catch (error) {
			await pool.end().catch(() => undefined);
			throw error;
		}
		return new PostgresWaitStore(pool, table);
	}

	async add(w: PendingWait): Promise<void> {
		await this.pool.query(`DELETE FROM ${this.table} WHERE expires_at <= $1`, [w.createdAt]);
		await this.pool.query(
			`INSERT INTO ${this.table} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			 ON CONFLICT (id) DO UPDATE SET resume_url = EXCLUDED.resume_url, message_id = EXCLUDED.message_id, expires_at = EXCLUDED.expires_at`,
			[w.id, w.phoneNumberId, w.waId, w.resumeUrl, w.messageId ?? null, w.executionId ?? null, w.createdAt, w.expiresAt],
		);
	}

	async claim(phoneNumberId: string, waId: string, now: number, replyTo?: string): Promise<PendingWait[]> {
		if (replyTo) {
			const quoted = await this.pool.query<Row>(
				`DELETE FROM ${this.table} WHERE phone_number_id = $1 AND wa_id = $2 AND message_id = $3 AND expires_at > $4 RETURNING ${COLUMNS}`,
				[phoneNumberId, waId, replyTo, now],
			);
			if (quoted.rows.length) return quoted.rows.map(fromRow).sort(byCreation);
		}
		const res = await this.pool.query<Row>(`DELETE FROM ${this.table} WHERE phone_number_id = $1 AND wa_id = $2 AND expires_at > $3 RETURNING ${COLUMNS}`, [
			phoneNumberId,
			waId,
			now,
		]);
		return res.rows.map(fromRow).sort(byCreation);
	}

	async pending(phoneNumberId: string, waId: string, now: number): Promise<PendingWait[]> {
		const res = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM ${this.table} WHERE phone_number_id = $1 AND wa_id = $2 AND expires_at > $3`, [phoneNumberId, waId, now]);
		return res.rows.map(fromRow).sort(byCreation);
	}

	async close(): Promise<void> {
		await this.pool.end();
	}
}

const memory = new Map<string, MemoryWaitStore>();

/** The wait store beside the WhatsApp store these options open. */
export async function openWaitStore(options: StoreOptions): Promise<WaitStore> {
	if (options.backend === 'postgres') return PostgresWaitStore.open(options);
	if (options.path === ':memory:') {
		let m = memory.get(options.path);
		if (!m) memory.set(options.path, (m = new MemoryWaitStore()));
		return m;
	}
	return SqliteWaitStore.open(options.path);
}
