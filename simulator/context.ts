/** All mutable simulator state, shared by the Graph routes, the send path and the control API. */
import { FakeClock } from './clock';
import { RecipientFaults, type AnswerFault } from './faults';
import { PairRate, RollingUniqueRecipients, SlidingWindow } from './limits';
import { MediaStore } from './media';
import type { PhoneNumberSeed, SimulatorOptions } from './options';
import { Ids, Rng } from './rng';
import { TemplateStore } from './templates';
import { WebhookDispatcher } from './webhooks';

export interface Phone {
	id: string;
	display_phone_number: string;
	verified_name: string;
	quality_rating: string;
	mps: number;
	tier: number;
	window: SlidingWindow;
	/** Also used in the WhatsApp Business app (is_on_biz_app; 20 mps). */
	coexistence: boolean;
	/** Onboarded to the Marketing Messages API (POST /marketing_messages). */
	marketingMessages: boolean;
}

export type MessageState = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

export interface MessageRecord {
	id: string;
	phone_number_id: string;
	to: string;
	input: string;
	type: string;
	/** The request body as received (only with the `logRequestBodies` option). */
	body?: Record<string, unknown>;
	/** `text`: what the customer sees, rendered from the template and the send's parameters (core/templates render). */
	template?: { name: string; language: string; category: string; text?: string };
	biz_opaque_callback_data?: string;
	/** The edge the message was posted to: messages (Cloud API) or marketing_messages (Marketing Messages API). */
	endpoint?: 'messages' | 'marketing_messages';
	acceptedAt: number;
	status: MessageState;
	errors?: { code: number; title: string }[];
	pricing?: { billable: boolean; pricing_model: string; type: string; category: string };
}

export interface Stats {
	/** Requests that reached the server; `sends` = POST /{phone-id}/messages, counted on arrival (accepted or not). */
	requests: { total: number; graph: number; control: number; sends: number };
	accepted: { total: number; byPhone: Record<string, number>; byRecipient: Map<string, number> };
	duplicateSends: Map<string, number>;
	errors: Record<string, number>;
	asyncFailures: Record<string, number>;
	statuses: { sent: number; delivered: number; read: number; failed: number };
	inbound: number;
	markedRead: number;
}

export function newStats(): Stats {
	return {
		requests: { total: 0, graph: 0, control: 0, sends: 0 },
		accepted: { total: 0, byPhone: {}, byRecipient: new Map() },
		duplicateSends: new Map(),
		errors: {},
		asyncFailures: {},
		statuses: { sent: 0, delivered: 0, read: 0, failed: 0 },
		inbound: 0,
		markedRead: 0,
	};
}

export interface Subscription {
	override_callback_uri?: string;
	verify_token?: string;
}

export class SimContext {
	readonly clock: FakeClock;
	readonly rng: Rng;
	readonly ids: Ids;
	readonly phones = new Map<string, Phone>();
	/** wa_id → last inbound message time (customer-service window, cloud-api.md §6). */
	readonly lastInbound = new Map<string, number>();
	/** wa_id → opted out of marketing (131050). */
	readonly optOuts = new Set<string>();
	readonly inboundIds = new Set<string>();
	readonly pair = new PairRate();
	readonly reached: RollingUniqueRecipients;
	readonly subscriptions = new Map<string, Subscription>();
	readonly messages: MessageRecord[] = [];
	readonly messagesById = new Map<string, MessageRecord>();
	readonly media: MediaStore;
	readonly templates: TemplateStore;
	readonly webhooks: WebhookDispatcher;
	/** Scripted answers per recipient (simulator/faults.ts). */
	readonly recipientFaults = new RecipientFaults();
	/**
	 * Set by the send path when a scripted fault delays or drops the answer of the request being
	 * handled; the server reads and clears it right after (requests are handled one at a time).
	 */
	answerFault?: AnswerFault;
	stats = newStats();
	baseUrl = '';

	constructor(public opts: SimulatorOptions) {
		this.clock = new FakeClock(opts.clock);
		this.rng = new Rng(opts.seed);
		this.ids = new Ids(opts.seed, this.rng);
		this.reached = new RollingUniqueRecipients(opts.windowMs);
		this.media = new MediaStore(this);
		this.webhooks = new WebhookDispatcher(
			this.clock,
			this.rng,
			opts.appSecret,
			(waba) => this.subscriptions.get(waba)?.override_callback_uri ?? this.opts.webhookUrl,
			{ duplicateRate: opts.duplicateRate, retry: opts.webhookRetry, timeoutMs: opts.webhookTimeoutMs, maxInFlight: opts.webhookMaxInFlight },
			opts.maxLog,
		);
		this.templates = new TemplateStore(this.clock, this.ids, (w, f, v) => this.webhooks.emit(w, f, v), {
			reviewDelayMs: opts.reviewDelayMs,
			reviewRules: opts.reviewRules,
			templateLimit: opts.templateLimit,
			deletedNameReuseMs: opts.deletedNameReuseMs,
			editLimits: opts.editLimits,
		});
		this.seed();
	}

	/** (Re)creates numbers and preloaded templates from the options. */
	private seed(): void {
		this.phones.clear();
		for (const p of this.opts.phoneNumbers) this.phones.set(p.id, this.makePhone(p));
		this.templates.preload(this.opts.wabaId, this.opts.preloadTemplates, this.opts.extraTemplates);
		this.recipientFaults.clear();
		this.recipientFaults.set(this.opts.recipientFaults);
	}

	private makePhone(p: PhoneNumberSeed): Phone {
		return {
			id: p.id,
			display_phone_number: p.display_phone_number,
			verified_name: p.verified_name,
			quality_rating: p.quality_rating ?? 'GREEN',
			mps: p.mps ?? (p.coexistence ? 20 : this.opts.mps),
			tier: p.tier ?? this.opts.tier,
			window: new SlidingWindow(1000),
			coexistence: p.coexistence === true,
			marketingMessages: p.marketingMessages !== false,
		};
	}

	/** Portfolio messaging limit: the highest tier among its numbers (cloud-api.md §5). */
	portfolioTier(): number {
		let t = 0;
		for (const p of this.phones.values()) t = Math.max(t, p.tier);
		return t;
	}

	windowOpen(waId: string, now: number): boolean {
		const t = this.lastInbound.get(waId);
		return t !== undefined && now - t < this.opts.windowMs;
	}

	bumpError(code: number): void {
		this.stats.errors[code] = (this.stats.errors[code] ?? 0) + 1;
	}

	fbtrace(): string {
		return this.ids.fbtrace();
	}

	/** POST /_sim/reset: back to the start state (same options, same seed); the clock keeps its time. */
	reset(opts: SimulatorOptions): void {
		this.opts = opts;
		this.clock.clearTimers();
		this.rng.reseed(opts.seed);
		this.ids.reset();
		this.lastInbound.clear();
		this.optOuts.clear();
		this.inboundIds.clear();
		this.pair.clear();
		this.reached.clear();
		this.subscriptions.clear();
		this.messages.length = 0;
		this.messagesById.clear();
		this.media.clear();
		this.templates.clear();
		this.webhooks.reset();
		this.webhooks.opts = { duplicateRate: opts.duplicateRate, retry: opts.webhookRetry, timeoutMs: opts.webhookTimeoutMs, maxInFlight: this.webhooks.opts.maxInFlight };
		this.webhooks.setMaxInFlight(opts.webhookMaxInFlight);
		this.templates.opts = {
			reviewDelayMs: opts.reviewDelayMs,
			reviewRules: opts.reviewRules,
			templateLimit: opts.templateLimit,
			deletedNameReuseMs: opts.deletedNameReuseMs,
			editLimits: opts.editLimits,
		};
		this.stats = newStats();
		this.seed();
	}
}
