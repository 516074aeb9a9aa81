/**
 * Versioned schema migrations, backend-neutral: each step carries its SQL for SQLite and for
 * Postgres so both backends share one history (`schema_migrations(version, name, applied_at)`).
 *
 * Rules: a step is never edited once released — add a new version instead. Every step runs inside
 * one transaction together with its `schema_migrations` row, so a crash never leaves half a step.
 *
 * Times are epoch milliseconds (INTEGER / BIGINT). JSON columns are TEXT in SQLite (json_extract)
 * and JSONB in Postgres (->>).
 */

export interface Migration {
	version: number;
	name: string;
	sqlite: string[];
	postgres: string[];
}

export const MIGRATIONS_TABLE = 'schema_migrations';

export const MIGRATIONS: readonly Migration[] = [
	{
		version: 1,
		name: 'core tables: contacts, tags, campaigns, recipients ledger, windows, processed ids',
		sqlite: [
			`CREATE TABLE contacts (
				wa_id TEXT PRIMARY KEY,
				name TEXT,
				first_name TEXT,
				last_name TEXT,
				country TEXT,
				tags TEXT NOT NULL DEFAULT '[]',
				attributes TEXT NOT NULL DEFAULT '{}',
				opted_out INTEGER NOT NULL DEFAULT 0,
				opt_out_at INTEGER,
				opt_out_source TEXT,
				opt_in_at INTEGER,
				opt_in_source TEXT,
				source TEXT,
				created_at INTEGER NOT NULL,
				updated_at INTEGER NOT NULL,
				last_active_at INTEGER
			) WITHOUT ROWID`,
			`CREATE TABLE contact_tags (
				wa_id TEXT NOT NULL,
				tag TEXT NOT NULL,
				PRIMARY KEY (wa_id, tag)
			) WITHOUT ROWID`,
			`CREATE TABLE campaigns (
				id TEXT PRIMARY KEY,
				phone_number_id TEXT NOT NULL,
				template_name TEXT,
				template_language TEXT,
				category TEXT,
				state TEXT NOT NULL,
				reason TEXT,
				config TEXT NOT NULL DEFAULT '{}',
				created_at INTEGER NOT NULL,
				updated_at INTEGER NOT NULL
			)`,
			`CREATE TABLE recipients (
				id INTEGER PRIMARY KEY,
				campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
				wa_id TEXT NOT NULL,
				state TEXT NOT NULL,
				item_index INTEGER,
				payload TEXT NOT NULL DEFAULT '{}',
				message_id TEXT,
				attempts INTEGER NOT NULL DEFAULT 0,
				next_attempt_at INTEGER,
				error_code INTEGER,
				error_class TEXT,
				error_message TEXT,
				claimed_by TEXT,
				claim_expires_at INTEGER,
				updated_at INTEGER NOT NULL,
				UNIQUE (campaign_id, wa_id)
			)`,
			`CREATE INDEX recipients_message_id ON recipients (message_id) WHERE message_id IS NOT NULL`,
			`CREATE TABLE windows (
				phone_number_id TEXT NOT NULL,
				wa_id TEXT NOT NULL,
				last_inbound_at INTEGER NOT NULL,
				free_entry_point_at INTEGER,
				PRIMARY KEY (phone_number_id, wa_id)
			) WITHOUT ROWID`,
			`CREATE TABLE processed (
				key TEXT PRIMARY KEY,
				at INTEGER NOT NULL
			) WITHOUT ROWID`,
		],
		postgres: [
			`CREATE TABLE contacts (
				wa_id TEXT PRIMARY KEY,
				name TEXT,
				first_name TEXT,
				last_name TEXT,
				country TEXT,
				tags JSONB NOT NULL DEFAULT '[]',
				attributes JSONB NOT NULL DEFAULT '{}',
				opted_out BOOLEAN NOT NULL DEFAULT FALSE,
				opt_out_at BIGINT,
				opt_out_source TEXT,
				opt_in_at BIGINT,
				opt_in_source TEXT,
				source TEXT,
				created_at BIGINT NOT NULL,
				updated_at BIGINT NOT NULL,
				last_active_at BIGINT
			)`,
			`CREATE TABLE contact_tags (
				wa_id TEXT NOT NULL,
				tag TEXT NOT NULL,
				PRIMARY KEY (wa_id, tag)
			)`,
			`CREATE TABLE campaigns (
				id TEXT PRIMARY KEY,
				phone_number_id TEXT NOT NULL,
				template_name TEXT,
				template_language TEXT,
				category TEXT,
				state TEXT NOT NULL,
				reason TEXT,
				config JSONB NOT NULL DEFAULT '{}',
				created_at BIGINT NOT NULL,
				updated_at BIGINT NOT NULL
			)`,
			`CREATE TABLE recipients (
				id BIGSERIAL PRIMARY KEY,
				campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
				wa_id TEXT NOT NULL,
				state TEXT NOT NULL,
				item_index INTEGER,
				payload JSONB NOT NULL DEFAULT '{}',
				message_id TEXT,
				attempts INTEGER NOT NULL DEFAULT 0,
				next_attempt_at BIGINT,
				error_code INTEGER,
				error_class TEXT,
				error_message TEXT,
				claimed_by TEXT,
				claim_expires_at BIGINT,
				updated_at BIGINT NOT NULL,
				UNIQUE (campaign_id, wa_id)
			)`,
			`CREATE INDEX recipients_message_id ON recipients (message_id) WHERE message_id IS NOT NULL`,
			`CREATE TABLE windows (
				phone_number_id TEXT NOT NULL,
				wa_id TEXT NOT NULL,
				last_inbound_at BIGINT NOT NULL,
				free_entry_point_at BIGINT,
				PRIMARY KEY (phone_number_id, wa_id)
			)`,
			`CREATE TABLE processed (
				key TEXT PRIMARY KEY,
				at BIGINT NOT NULL
			)`,
		],
	},
	{
		version: 2,
		name: 'filter and claim indexes, rolling 24 h budget, shared token buckets',
		sqlite: [
			`CREATE INDEX contact_tags_tag ON contact_tags (tag, wa_id)`,
			`CREATE INDEX contacts_created_at ON contacts (created_at)`,
			`CREATE INDEX contacts_last_active_at ON contacts (last_active_at) WHERE last_active_at IS NOT NULL`,
			// claim: state='queued' ORDER BY next_attempt_at, id / state IN (retry, deferred) by due time
			`CREATE INDEX recipients_claim ON recipients (campaign_id, state, next_attempt_at)`,
			`CREATE INDEX processed_at ON processed (at)`,
			// cloud-api.md §5: unique business-initiated recipients per rolling 24 h, portfolio-wide
			`CREATE TABLE budget (
				portfolio_id TEXT NOT NULL,
				wa_id TEXT NOT NULL,
				first_at INTEGER NOT NULL,
				PRIMARY KEY (portfolio_id, wa_id)
			) WITHOUT ROWID`,
			`CREATE INDEX budget_window ON budget (portfolio_id, first_at)`,
			`CREATE TABLE buckets (
				key TEXT PRIMARY KEY,
				tokens REAL NOT NULL,
				updated_at INTEGER NOT NULL
			) WITHOUT ROWID`,
		],
		postgres: [
			`CREATE INDEX contact_tags_tag ON contact_tags (tag, wa_id)`,
			`CREATE INDEX contacts_created_at ON contacts (created_at)`,
			`CREATE INDEX contacts_last_active_at ON contacts (last_active_at) WHERE last_active_at IS NOT NULL`,
			`CREATE INDEX recipients_claim ON recipients (campaign_id, state, next_attempt_at, id)`,
			`CREATE INDEX processed_at ON processed (at)`,
			`CREATE TABLE budget (
				portfolio_id TEXT NOT NULL,
				wa_id TEXT NOT NULL,
				first_at BIGINT NOT NULL,
				PRIMARY KEY (portfolio_id, wa_id)
			)`,
			`CREATE INDEX budget_window ON budget (portfolio_id, first_at)`,
			`CREATE TABLE buckets (
				key TEXT PRIMARY KEY,
				tokens DOUBLE PRECISION NOT NULL,
				updated_at BIGINT NOT NULL
			)`,
		],
	},
	{
		version: 3,
		name: 'SQLite contacts as a rowid table and tags keyed by contact id (fast bulk imports)',
		// A WITHOUT ROWID contacts table keeps whole rows in wa_id order, so every new contact of a
		// large import lands at a random place in a wide B-tree. As a rowid table new rows append and
		// only the narrow wa_id index takes random inserts; tags keyed by the (increasing) contact id
		// append too. Postgres tables are heaps with a separate primary-key index already: no change.
		sqlite: [
			`CREATE TABLE contacts_v3 (
				id INTEGER PRIMARY KEY,
				wa_id TEXT NOT NULL UNIQUE,
				name TEXT,
				first_name TEXT,
				last_name TEXT,
				country TEXT,
				tags TEXT NOT NULL DEFAULT '[]',
				attributes TEXT NOT NULL DEFAULT '{}',
				opted_out INTEGER NOT NULL DEFAULT 0,
				opt_out_at INTEGER,
				opt_out_source TEXT,
				opt_in_at INTEGER,
				opt_in_source TEXT,
				source TEXT,
				created_at INTEGER NOT NULL,
				updated_at INTEGER NOT NULL,
				last_active_at INTEGER
			)`,
			`INSERT INTO contacts_v3 (wa_id, name, first_name, last_name, country, tags, attributes, opted_out, opt_out_at,
				opt_out_source, opt_in_at, opt_in_source, source, created_at, updated_at, last_active_at)
			SELECT wa_id, name, first_name, last_name, country, tags, attributes, opted_out, opt_out_at,
				opt_out_source, opt_in_at, opt_in_source, source, created_at, updated_at, last_active_at
			FROM contacts ORDER BY created_at, wa_id`,
			`CREATE TABLE contact_tags_v3 (
				contact_id INTEGER NOT NULL,
				tag TEXT NOT NULL,
				PRIMARY KEY (contact_id, tag)
			) WITHOUT ROWID`,
			`INSERT INTO contact_tags_v3 (contact_id, tag)
			SELECT c.id, t.tag FROM contact_tags t JOIN contacts_v3 c ON c.wa_id = t.wa_id ORDER BY c.id, t.tag`,
			`DROP TABLE contact_tags`,
			`DROP TABLE contacts`,
			`ALTER TABLE contacts_v3 RENAME TO contacts`,
			`ALTER TABLE contact_tags_v3 RENAME TO contact_tags`,
			`CREATE INDEX contact_tags_tag ON contact_tags (tag, contact_id)`,
			`CREATE INDEX contacts_created_at ON contacts (created_at)`,
			`CREATE INDEX contacts_last_active_at ON contacts (last_active_at) WHERE last_active_at IS NOT NULL`,
		],
		postgres: [],
	},
	{
		version: 4,
		name: 'shared arrival bounds per number (sliding-window guard across workers, Store.bookArrival)',
		// paces: the even schedule's next slot (tat) and the last booking id per key; arrivals: each
		// recent booking's latest possible arrival at Meta, raised by the worker that sent it.
		sqlite: [
			`CREATE TABLE paces (
				key TEXT PRIMARY KEY,
				tat REAL NOT NULL,
				seq INTEGER NOT NULL
			)`,
			`CREATE TABLE arrivals (
				key TEXT NOT NULL,
				seq INTEGER NOT NULL,
				at REAL NOT NULL,
				PRIMARY KEY (key, seq)
			) WITHOUT ROWID`,
			`CREATE INDEX arrivals_at ON arrivals (key, at)`,
		],
		postgres: [
			`CREATE TABLE paces (
				key TEXT PRIMARY KEY,
				tat DOUBLE PRECISION NOT NULL,
				seq BIGINT NOT NULL
			)`,
			`CREATE TABLE arrivals (
				key TEXT NOT NULL,
				seq BIGINT NOT NULL,
				at DOUBLE PRECISION NOT NULL,
				PRIMARY KEY (key, seq)
			)`,
			`CREATE INDEX arrivals_at ON arrivals (key, at)`,
			// One round trip per booking: the steps must run as separate statements after the row
			// lock (a statement's snapshot predates the lock wait, so one big statement would miss
			// the bookings committed meanwhile), i.e. a function. Tables resolve in the store's
			// schema (search_path FROM CURRENT: the migration runs with it set).
			`CREATE FUNCTION book_arrival(p_key TEXT, p_rate DOUBLE PRECISION, p_tol DOUBLE PRECISION, p_count INTEGER,
				p_window DOUBLE PRECISION, p_at DOUBLE PRECISION, p_max_ahead DOUBLE PRECISION, p_keep DOUBLE PRECISION,
				p_raise_seq BIGINT[], p_raise_at DOUBLE PRECISION[])
			RETURNS TABLE (out_seq BIGINT, out_at DOUBLE PRECISION)
			LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
			DECLARE
				v_tat DOUBLE PRECISION;
				v_seq BIGINT;
				v_kth DOUBLE PRECISION;
				v_slot DOUBLE PRECISION;
			BEGIN
				SELECT p.tat, p.seq INTO v_tat, v_seq FROM paces p WHERE p.key = p_key FOR UPDATE;
				IF NOT FOUND THEN
					INSERT INTO paces AS p (key, tat, seq) VALUES (p_key, '-Infinity', 0) ON CONFLICT (key) DO NOTHING;
					SELECT p.tat, p.seq INTO v_tat, v_seq FROM paces p WHERE p.key = p_key FOR UPDATE;
				END IF;
				IF cardinality(p_raise_seq) > 0 THEN
					UPDATE arrivals a SET at = r.at FROM unnest(p_raise_seq, p_raise_at) AS r(seq, at)
					WHERE a.key = p_key AND a.seq = r.seq AND r.at > a.at;
				END IF;
				SELECT a.at INTO v_kth FROM arrivals a WHERE a.key = p_key ORDER BY a.at DESC OFFSET p_count - 1 LIMIT 1;
				-- GREATEST skips NULL: fewer than p_count arrivals kept → no window bound.
				v_slot := GREATEST(p_at, v_tat - p_tol, v_kth + p_window);
				IF v_slot - p_at > p_max_ahead THEN
					RETURN QUERY SELECT -1::BIGINT, v_slot;
					RETURN;
				END IF;
				v_seq := v_seq + 1;
				INSERT INTO arrivals (key, seq, at) VALUES (p_key, v_seq, v_slot);
				UPDATE paces p SET tat = GREATEST(v_tat, v_slot) + 1000 / p_rate, seq = v_seq WHERE p.key = p_key;
				DELETE FROM arrivals a WHERE a.key = p_key AND a.at < v_slot - p_keep;
				RETURN QUERY SELECT v_seq, v_slot;
			END
			$fn$`,
		],
	},
	{
		version: 5,
		name: 'send-time gates: gate version, contact blocks, campaign state provenance, number health, dispatch marks, deferral days',
		// issue 13. gate_version: one counter bumped by every write a send-time gate depends on (opt-out,
		// block, campaign state, number health); a running campaign polls it (cheap) and re-checks its
		// claimed rows only when it moved. recipients.dispatched_at: set right before the request is
		// written, so a crashed run's claims without it are re-queued instead of 'unknown'.
		sqlite: [
			`CREATE TABLE gate_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)`,
			`INSERT INTO gate_version (id, version) VALUES (1, 0)`,
			`ALTER TABLE contacts ADD COLUMN blocked_at INTEGER`,
			`ALTER TABLE contacts ADD COLUMN block_reason TEXT`,
			`ALTER TABLE campaigns ADD COLUMN state_by TEXT`,
			`ALTER TABLE campaigns ADD COLUMN state_at INTEGER`,
			`ALTER TABLE campaigns ADD COLUMN template_id TEXT`,
			`ALTER TABLE campaigns ADD COLUMN waba_id TEXT`,
			`ALTER TABLE campaigns ADD COLUMN quality_breaker INTEGER NOT NULL DEFAULT 1`,
			`ALTER TABLE campaigns ADD COLUMN max_defer_days INTEGER NOT NULL DEFAULT 3`,
			`UPDATE campaigns SET state_at = updated_at`,
			`ALTER TABLE recipients ADD COLUMN dispatched_at INTEGER`,
			`ALTER TABLE recipients ADD COLUMN defer_days INTEGER NOT NULL DEFAULT 0`,
			// Reply attribution: a customer's latest campaign message per business number.
			`CREATE INDEX recipients_wa_id ON recipients (wa_id, dispatched_at)`,
			`CREATE TABLE number_health (
				phone_number_id TEXT PRIMARY KEY,
				display_digits TEXT,
				waba_id TEXT,
				quality TEXT,
				messaging_limit INTEGER,
				tier TEXT,
				updated_at INTEGER NOT NULL
			)`,
			`CREATE INDEX number_health_display ON number_health (display_digits)`,
		],
		postgres: [
			`CREATE TABLE gate_version (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL)`,
			`INSERT INTO gate_version (id, version) VALUES (1, 0)`,
			`ALTER TABLE contacts ADD COLUMN blocked_at BIGINT`,
			`ALTER TABLE contacts ADD COLUMN block_reason TEXT`,
			`ALTER TABLE campaigns ADD COLUMN state_by TEXT`,
			`ALTER TABLE campaigns ADD COLUMN state_at BIGINT`,
			`ALTER TABLE campaigns ADD COLUMN template_id TEXT`,
			`ALTER TABLE campaigns ADD COLUMN waba_id TEXT`,
			`ALTER TABLE campaigns ADD COLUMN quality_breaker BOOLEAN NOT NULL DEFAULT TRUE`,
			`ALTER TABLE campaigns ADD COLUMN max_defer_days INTEGER NOT NULL DEFAULT 3`,
			`UPDATE campaigns SET state_at = updated_at`,
			`ALTER TABLE recipients ADD COLUMN dispatched_at BIGINT`,
			`ALTER TABLE recipients ADD COLUMN defer_days INTEGER NOT NULL DEFAULT 0`,
			`CREATE INDEX recipients_wa_id ON recipients (wa_id, dispatched_at)`,
			`CREATE TABLE number_health (
				phone_number_id TEXT PRIMARY KEY,
				display_digits TEXT,
				waba_id TEXT,
				quality TEXT,
				messaging_limit BIGINT,
				tier TEXT,
				updated_at BIGINT NOT NULL
			)`,
			`CREATE INDEX number_health_display ON number_health (display_digits)`,
		],
	},
	{
		version: 6,
		name: 'contact identities (wa_id, BSUID, national variants) and the merge log',
		// issue 14: one contact per person. contact_identities maps every other identifier Meta or
		// the user has shown for a person (Meta's wa_id when it differs from the number, a BSUID, an
		// old national form) to the contact's key (contacts.wa_id: the E.164 digits, or the BSUID of
		// a username user whose number is unknown). contact_merges records every merge.
		sqlite: [
			`CREATE TABLE contact_identities (
				identifier TEXT PRIMARY KEY,
				contact_key TEXT NOT NULL,
				kind TEXT NOT NULL,
				source TEXT,
				created_at INTEGER NOT NULL
			) WITHOUT ROWID`,
			`CREATE INDEX contact_identities_key ON contact_identities (contact_key)`,
			`CREATE TABLE contact_merges (
				id INTEGER PRIMARY KEY,
				into_key TEXT NOT NULL,
				from_key TEXT NOT NULL,
				reason TEXT NOT NULL,
				at INTEGER NOT NULL
			)`,
		],
		postgres: [
			`CREATE TABLE contact_identities (
				identifier TEXT PRIMARY KEY,
				contact_key TEXT NOT NULL,
				kind TEXT NOT NULL,
				source TEXT,
				created_at BIGINT NOT NULL
			)`,
			`CREATE INDEX contact_identities_key ON contact_identities (contact_key)`,
			`CREATE TABLE contact_merges (
				id BIGSERIAL PRIMARY KEY,
				into_key TEXT NOT NULL,
				from_key TEXT NOT NULL,
				reason TEXT NOT NULL,
				at BIGINT NOT NULL
			)`,
		],
	},
	{
		version: 7,
		name: 'campaigns over days: start, end, send window, run settings; due-run lookups',
		// issue 17: a campaign's schedule and the settings a due run needs live with it, so any
		// execution (a Schedule Trigger, the WhatsApp Campaign Trigger, another worker) can continue it.
		sqlite: [
			`ALTER TABLE campaigns ADD COLUMN start_at INTEGER`,
			`ALTER TABLE campaigns ADD COLUMN end_by INTEGER`,
			`ALTER TABLE campaigns ADD COLUMN send_window TEXT`,
			`ALTER TABLE campaigns ADD COLUMN run_config TEXT`,
			`CREATE INDEX campaigns_state ON campaigns (state)`,
		],
		postgres: [
			`ALTER TABLE campaigns ADD COLUMN start_at BIGINT`,
			`ALTER TABLE campaigns ADD COLUMN end_by BIGINT`,
			`ALTER TABLE campaigns ADD COLUMN send_window JSONB`,
			`ALTER TABLE campaigns ADD COLUMN run_config JSONB`,
			`CREATE INDEX campaigns_state ON campaigns (state)`,
		],
	},
	{
		version: 8,
		name: 'webhook outbox: events the receiver acknowledged to Meta, waiting to reach an n8n trigger',
		// issue 19 (core/receiver): a row is written in the same transaction as the webhook's ledger
		// writes and de-duplication keys, so an event answered 200 is either forwarded or still here.
		// (target, key) is unique: one row per event per n8n trigger URL. Claimed with a lease
		// (leased_until), so several receivers share one store; delivered rows are kept a week
		// (Meta's redelivery horizon) and then pruned.
		sqlite: [
			`CREATE TABLE webhook_outbox (
				id INTEGER PRIMARY KEY AUTOINCREMENT,
				target TEXT NOT NULL,
				key TEXT NOT NULL,
				payload TEXT NOT NULL,
				created_at INTEGER NOT NULL,
				attempts INTEGER NOT NULL DEFAULT 0,
				next_attempt_at INTEGER NOT NULL DEFAULT 0,
				leased_until INTEGER NOT NULL DEFAULT 0,
				leased_by TEXT,
				delivered_at INTEGER,
				last_error TEXT,
				UNIQUE (target, key)
			)`,
			`CREATE INDEX webhook_outbox_due ON webhook_outbox (target, delivered_at, id)`,
		],
		postgres: [
			`CREATE TABLE webhook_outbox (
				id BIGSERIAL PRIMARY KEY,
				target TEXT NOT NULL,
				key TEXT NOT NULL,
				payload TEXT NOT NULL,
				created_at BIGINT NOT NULL,
				attempts INTEGER NOT NULL DEFAULT 0,
				next_attempt_at BIGINT NOT NULL DEFAULT 0,
				leased_until BIGINT NOT NULL DEFAULT 0,
				leased_by TEXT,
				delivered_at BIGINT,
				last_error TEXT,
				UNIQUE (target, key)
			)`,
			`CREATE INDEX webhook_outbox_due ON webhook_outbox (target, delivered_at, id)`,
		],
	},
	{
		version: 9,
		name: 'sender pools: each recipient sticks to one business number; pool campaigns',
		// issue 17: a campaign may send from several numbers of the portfolio. A ledger row names the
		// number it sticks to (claims filter by it; a drained number's rows move to the others), and
		// campaigns.sender_pool lists the numbers (a flagged pool number is drained, not the campaign paused).
		sqlite: [
			`ALTER TABLE recipients ADD COLUMN phone_number_id TEXT`,
			`CREATE INDEX recipients_claim_number ON recipients (campaign_id, phone_number_id, state, next_attempt_at)`,
			`ALTER TABLE campaigns ADD COLUMN sender_pool TEXT`,
		],
		postgres: [
			`ALTER TABLE recipients ADD COLUMN phone_number_id TEXT`,
			`CREATE INDEX recipients_claim_number ON recipients (campaign_id, phone_number_id, state, next_attempt_at)`,
			`ALTER TABLE campaigns ADD COLUMN sender_pool JSONB`,
		],
	},
	{
		version: 10,
		name: 'drop the unused shared token buckets (pacing is bookArrival over paces / arrivals)',
		// issue 18: Store.takeTokens had no caller outside tests since the shared pace (v4) took its place.
		sqlite: [`DROP TABLE IF EXISTS buckets`],
		postgres: [`DROP TABLE IF EXISTS buckets`],
	},
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** The SQL that creates the bookkeeping table (same text for both dialects). */
export const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
	version INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	applied_at BIGINT NOT NULL
)`;
