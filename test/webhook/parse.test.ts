import * as fs from 'node:fs';
import * as path from 'node:path';
import { jsonDepth, parseWebhook, parseWebhookBody, parseWebhookRequest, WEBHOOK_LIMITS, WebhookParseError } from '../../core/webhook/parse';
import type { MessageEvent, StatusEvent, WebhookEvent } from '../../core/webhook/types';

const dir = path.join(__dirname, '..', 'fixtures', 'webhooks');
const load = (rel: string): unknown => JSON.parse(fs.readFileSync(path.join(dir, rel), 'utf8'));
const parse = (rel: string): WebhookEvent[] => parseWebhook(load(rel));
const one = <T extends WebhookEvent>(rel: string): T => {
	const events = parse(rel);
	expect(events).toHaveLength(1);
	return events[0] as T;
};

describe('parseWebhook: inbound messages (Meta OpenAPI examples)', () => {
	it('text: sender, business number, WABA, timestamps, raw value', () => {
		const raw = load('meta-openapi/text-message.json') as any;
		const e = one<MessageEvent>('meta-openapi/text-message.json');
		expect(e).toMatchObject({
			kind: 'message',
			type: 'text',
			eventId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
			messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
			text: 'Does it come in another color?',
			waId: '16505551234',
			from: '16505551234',
			profileName: 'Sheena Nelson',
			phoneNumberId: '106540352242922',
			displayPhoneNumber: '15550783881',
			wabaId: '419561257915477',
			field: 'messages',
			timestampEpoch: 1749416383,
			timestamp: new Date(1749416383 * 1000).toISOString(),
			hasReferral: false,
		});
		expect(e.raw).toEqual(raw.entry[0].changes[0].value);
	});

	it('reply context with a referred product', () => {
		const e = one<MessageEvent>('meta-openapi/text-message-with-context-product-inquiry.json');
		expect(e.replyToMessageId).toBe('wamid.HBgLMTY1MDM4Nzk0MzkVAgARGA9wcm9kdWN0X2lucXVpcnkA');
		expect(e.context).toEqual({
			from: '15550783881',
			id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGA9wcm9kdWN0X2lucXVpcnkA',
			referredProduct: { catalogId: '194836987003835', productRetailerId: 'di9ozbzfi4' },
		});
	});

	it('click-to-WhatsApp ad referral', () => {
		const e = one<MessageEvent>('meta-openapi/text-message-from-click-to-whatsapp-ad.json');
		expect(e.hasReferral).toBe(true);
		expect(e.referral).toMatchObject({
			sourceUrl: 'https://fb.me/3cr4Wqqkv',
			sourceId: '120226305854810726',
			sourceType: 'ad',
			headline: 'Chat with us',
			mediaType: 'image',
			welcomeMessage: 'Hi there! Let us know how we can help!',
		});
		expect(e.referral?.ctwaClid).toMatch(/^Aff-/);
	});

	it('reaction', () => {
		const e = one<MessageEvent>('meta-openapi/reaction-message.json');
		expect(e.type).toBe('reaction');
		expect(e.reaction).toEqual({ messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RTJEOTc2ODVERUY5RDlGNkYA', emoji: '👍' });
	});

	it('image with caption, mime type, sha256 and media id', () => {
		const e = one<MessageEvent>('meta-openapi/image-message.json');
		expect(e.media).toEqual({ id: '1003383421387256', mimeType: 'image/jpeg', sha256: 'SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=', caption: 'Taj Mahal' });
		expect(e.text).toBe('Taj Mahal');
	});

	it('video, voice audio, document with filename, sticker', () => {
		const events = parse('local/media-messages.json') as MessageEvent[];
		expect(events.map((e) => e.type)).toEqual(['video', 'audio', 'document', 'sticker']);
		expect(events[0].media).toMatchObject({ id: '1003383421387257', mimeType: 'video/mp4', caption: 'Unboxing' });
		expect(events[1].media).toMatchObject({ voice: true, mimeType: 'audio/ogg; codecs=opus' });
		expect(events[2].media).toMatchObject({ filename: 'invoice-42.pdf', caption: 'Invoice', mimeType: 'application/pdf' });
		expect(events[3].media).toMatchObject({ mimeType: 'image/webp', animated: false });
		expect(new Set(events.map((e) => e.eventId)).size).toBe(4);
	});

	it('location', () => {
		const e = one<MessageEvent>('meta-openapi/location-message.json');
		expect(e.location).toEqual({
			latitude: 37.44221496582,
			longitude: -122.16165924072,
			name: 'Philz Coffee',
			address: '101 Forest Ave, Palo Alto, CA 94301',
			url: 'https://philzcoffee.com/',
		});
	});

	it('shared contacts', () => {
		const e = one<MessageEvent>('meta-openapi/contact-sharing-message.json');
		expect(e.type).toBe('contacts');
		expect(e.contacts).toHaveLength(1);
		expect((e.contacts?.[0] as any).phones[0].wa_id).toBe('19835552319');
		// the sender is still the contact from value.contacts, not the shared card
		expect(e.profileName).toBe('Sheena Nelson');
	});

	it('unsupported with its errors', () => {
		const e = one<MessageEvent>('meta-openapi/unsupported-message.json');
		expect(e.type).toBe('unsupported');
		expect(e.errors).toEqual([{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', details: 'Message type is currently not supported.' }]);
	});

	it('template quick-reply button with context', () => {
		const e = one<MessageEvent>('meta-openapi/button-message.json');
		expect(e.button).toEqual({ payload: 'Unsubscribe', text: 'Unsubscribe' });
		expect(e.replyToMessageId).toBe('wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJFNjk2OTMwNEZCQjhGMzUyQUYA');
	});

	it('interactive list_reply and button_reply', () => {
		const list = one<MessageEvent>('meta-openapi/interactive-list-reply-message.json');
		expect(list.interactive).toEqual({ type: 'list_reply', id: 'priority_express', title: 'Priority Mail Express', description: 'Next Day to 2 Days' });
		const button = one<MessageEvent>('meta-openapi/interactive-button-reply-message.json');
		expect(button.interactive).toEqual({ type: 'button_reply', id: 'cancel-button', title: 'Cancel' });
		expect(button.text).toBe('Cancel');
	});

	it('flow reply (nfm_reply) with response_json parsed (Meta Flows docs)', () => {
		const e = one<MessageEvent>('meta-docs/flow-nfm-reply.json');
		expect(e.interactive).toEqual({
			type: 'nfm_reply',
			name: 'flow',
			body: 'Sent',
			flowToken: 'appt-7781',
			flowResponse: { flow_token: 'appt-7781', optional_param1: '2026-12-01', optional_param2: '10:30' },
		});
		expect(e.replyToMessageId).toBe('gBGGEiRVVgBPAgm7FUgc73noXjo');
	});

	it('keeps an nfm_reply response_json that is not JSON as text', () => {
		const body = load('meta-docs/flow-nfm-reply.json') as any;
		body.entry[0].changes[0].value.messages[0].interactive.nfm_reply.response_json = '{broken';
		const [e] = parseWebhook(body) as MessageEvent[];
		expect(e.interactive?.flowResponseRaw).toBe('{broken');
		expect(e.interactive?.flowResponse).toBeUndefined();
	});

	it('order with product items', () => {
		const e = one<MessageEvent>('meta-openapi/order-message.json');
		expect(e.order?.catalogId).toBe('194836987003835');
		expect(e.order?.productItems).toHaveLength(2);
		expect(e.order?.productItems[0]).toMatchObject({ product_retailer_id: 'di9ozbzfi4', quantity: 2 });
	});

	it('system (user_changed_number) without a contacts array', () => {
		const e = one<MessageEvent>('meta-openapi/system-message.json');
		expect(e.system).toMatchObject({ type: 'user_changed_number', newWaId: '12195555358' });
		expect(e.waId).toBe('16505551234');
		expect(e.profileName).toBeUndefined();
		expect(e.wabaId).toBe('102290129340398');
	});

	it('business-scoped user id (BSUID)', () => {
		const e = one<MessageEvent>('local/bsuid-text.json');
		expect(e.userId).toBe('BR.1502576394655843');
		expect(e.waId).toBe('5511987654321');
		expect(e.profileName).toBe('Ana');
	});

	it('a message without from (username user) still gets the BSUID from contacts', () => {
		const body = load('local/bsuid-text.json') as any;
		const v = body.entry[0].changes[0].value;
		delete v.messages[0].from;
		delete v.contacts[0].wa_id;
		const [e] = parseWebhook(body) as MessageEvent[];
		expect(e.userId).toBe('BR.1502576394655843');
		expect(e.waId).toBeUndefined();
	});
});

describe('parseWebhook: statuses (Meta status reference)', () => {
	it('delivered with pricing and biz_opaque_callback_data', () => {
		const e = one<StatusEvent>('meta-docs/status-delivered.json');
		expect(e).toMatchObject({
			kind: 'status',
			status: 'delivered',
			messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA',
			eventId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA:delivered',
			recipientId: '16505551234',
			waId: '16505551234',
			bizOpaqueCallbackData: 'cmp-42|16505551234',
			pricing: { billable: true, pricingModel: 'PMP', type: 'regular', category: 'marketing' },
			timestampEpoch: 1750263773,
		});
		expect(e.conversation).toBeUndefined();
	});

	it('sent in a free entry point with the conversation object', () => {
		const e = one<StatusEvent>('meta-docs/status-sent-free-entry-point.json');
		expect(e.conversation).toEqual({ id: 'a75d17ad06104c51166f948319b03c6a', expirationTimestamp: new Date(1750522970000).toISOString(), originType: 'referral_conversion' });
		expect(e.pricing).toMatchObject({ pricingModel: 'CBP', type: 'free_entry_point', category: 'referral_conversion' });
	});

	it('failed with error code, title, message and details', () => {
		const e = one<StatusEvent>('meta-docs/status-failed-131050.json');
		expect(e.status).toBe('failed');
		expect(e.errorCode).toBe(131050);
		expect(e.errorTitle).toMatch(/stop receiving marketing messages/);
		expect(e.errorMessage).toMatch(/stop receiving marketing messages/);
		expect(e.errorDetails).toMatch(/stop receiving marketing messages/);
		expect(e.errors?.[0].href).toMatch(/error-codes/);
	});

	it('read and played in one value: one event each, distinct dedup keys', () => {
		const events = parse('meta-docs/status-read-played.json') as StatusEvent[];
		expect(events.map((e) => e.status)).toEqual(['read', 'played']);
		expect(events.map((e) => e.eventId)).toEqual([
			'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA:read',
			'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5QUQ2NzFGRjlFMjdBQTFCNTYA:played',
		]);
	});

	it('the same message id with two statuses gives two keys; the same status twice gives one', () => {
		const a = one<StatusEvent>('meta-docs/status-delivered.json');
		const b = one<StatusEvent>('meta-docs/status-sent-free-entry-point.json');
		expect(a.messageId).toBe(b.messageId);
		expect(a.eventId).not.toBe(b.eventId);
		expect(one<StatusEvent>('meta-docs/status-delivered.json').eventId).toBe(a.eventId);
	});
});

describe('parseWebhook: account, template and preference changes (Meta reference pages)', () => {
	// One row per Meta reference payload: the event it parses to.
	it.each([
		[
			'message_template_status_update',
			'meta-docs/message-template-status-update.json',
			{
				kind: 'template_status',
				event: 'REJECTED',
				templateId: '1689556908129832',
				templateName: 'order_confirmation',
				templateLanguage: 'en_US',
				templateCategory: 'UTILITY',
				reason: 'INVALID_FORMAT',
				rejectionInfo: { reason: 'The template contains a formatting error.', recommendation: 'Check the variable placement and resubmit.' },
				wabaId: '102290129340398',
				timestampEpoch: 1739321024,
			},
		],
		['message_template_quality_update', 'meta-docs/message-template-quality-update.json', { kind: 'template_quality', previousQualityScore: 'GREEN', newQualityScore: 'YELLOW', templateName: 'welcome_template' }],
		['template_category_update: impending', 'meta-docs/template-category-update-impending.json', { kind: 'template_category', phase: 'impending', correctCategory: 'MARKETING', newCategory: 'UTILITY', categoryUpdateAt: new Date(1760711433000).toISOString() }],
		['template_category_update: completed', 'meta-docs/template-category-update-completed.json', { kind: 'template_category', phase: 'completed', previousCategory: 'UTILITY', newCategory: 'MARKETING' }],
		['phone_number_quality_update', 'meta-docs/phone-number-quality-update.json', { kind: 'phone_quality', event: 'THROUGHPUT_UPGRADE', currentLimit: 'TIER_UNLIMITED', displayPhoneNumber: '15550783881', timestamp: new Date(1748454394000).toISOString() }],
		['phone_number_name_update', 'meta-docs/phone-number-name-update.json', { kind: 'phone_name', decision: 'APPROVED', requestedVerifiedName: 'Lucky Shrub', rejectionReason: null }],
		['account_update with restrictions', 'meta-docs/account-update-restriction.json', { kind: 'account_update', event: 'ACCOUNT_RESTRICTION', phoneNumber: '15550783881', restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: 1739925824 }] }],
		['business_capability_update', 'meta-docs/business-capability-update.json', { kind: 'business_capability', maxDailyConversationsPerBusiness: 2000, maxPhoneNumbersPerWaba: 25 }],
		['value.errors[] become error events', 'meta-docs/value-errors.json', { kind: 'error', errorCode: 131051, errorTitle: 'Message type unknown', errorDetails: 'Message type is currently not supported.', phoneNumberId: '106540352242922' }],
	])('%s', (_event, fixture, expected) => {
		expect(one(fixture)).toMatchObject(expected);
	});

	it('user_preferences stop and resume', () => {
		expect(one('meta-docs/user-preferences-stop.json')).toMatchObject({
			kind: 'user_preference',
			waId: '16505551234',
			profileName: 'Sheena Nelson',
			category: 'marketing_messages',
			value: 'stop',
			detail: 'User requested to stop marketing messages',
			phoneNumberId: '106540352242922',
		});
		const resume = one('meta-docs/user-preferences-resume.json');
		expect(resume).toMatchObject({ kind: 'user_preference', value: 'resume', timestampEpoch: 1731705721 });
		expect(resume.eventId).not.toBe(one('meta-docs/user-preferences-stop.json').eventId);
	});

	it('unknown fields pass through with the raw value and a stable key', () => {
		const body = load('meta-docs/unknown-field-flows.json') as any;
		const e = one('meta-docs/unknown-field-flows.json');
		expect(e).toMatchObject({ kind: 'unknown', field: 'flows', wabaId: '102290129340398' });
		expect(e.raw).toEqual(body.entry[0].changes[0].value);
		expect(one('meta-docs/unknown-field-flows.json').eventId).toBe(e.eventId);
		body.entry[0].changes[0].value.new_status = 'BLOCKED';
		expect(parseWebhook(body)[0].eventId).not.toBe(e.eventId);
		// group webhooks from the OpenAPI spec are not modelled either
		expect(one('meta-openapi/group-create-message.json')).toMatchObject({ kind: 'unknown', field: 'group_lifecycle_update' });
	});
});

describe('parseWebhook: envelope handling', () => {
	it('flattens several entries and changes in order', () => {
		const text = load('meta-openapi/text-message.json') as any;
		const status = load('meta-docs/status-read-played.json') as any;
		const tpl = load('meta-docs/message-template-status-update.json') as any;
		const body = { object: 'whatsapp_business_account', entry: [...text.entry, { ...status.entry[0], changes: [...status.entry[0].changes, ...tpl.entry[0].changes] }] };
		expect(parseWebhook(body).map((e) => e.kind)).toEqual(['message', 'status', 'status', 'template_status']);
	});

	it('rejects non-webhook bodies with WebhookParseError', () => {
		expect(() => parseWebhook(null)).toThrow(WebhookParseError);
		expect(() => parseWebhook([])).toThrow(WebhookParseError);
		expect(() => parseWebhook({ object: 'page' })).toThrow(/entry/);
		expect(() => parseWebhookBody('{"entry": [')).toThrow(/not valid JSON/);
		expect(parseWebhookBody(Buffer.from('{"object":"whatsapp_business_account","entry":[]}'))).toEqual([]);
	});

	it('tolerates odd shapes inside a valid envelope; a message without an id is skipped and reported', () => {
		const body = { entry: [{ id: 'w', changes: [null, { field: 'messages', value: { messages: [{ type: 'text' }, { id: 'wamid.ok', type: 'text' }], statuses: 'x' } }] }] };
		const events = parseWebhook(body);
		expect(events).toHaveLength(2);
		expect(events[0].kind).toBe('unknown');
		expect(events[1]).toMatchObject({ kind: 'message', type: 'text', eventId: 'wamid.ok' });
		const { skipped } = parseWebhookRequest(JSON.stringify(body));
		expect(skipped).toEqual([
			expect.objectContaining({ kind: 'skipped', skippedKind: 'message', path: 'entry[0].changes[1].value.messages[0]', reason: 'The message has no "id"' }),
		]);
	});
});

/** Issue 15: a signed sender can still send anything; nothing it sends may throw past the parser. */
describe('parseWebhookRequest: bounds and unusable ids', () => {
	const nested = (levels: number) => `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"x","value":${'['.repeat(levels)}${']'.repeat(levels)}}]}]}`;

	it('a ~4,500-level nested 9 KB body is a 400 parse error, not a RangeError', () => {
		const body = nested(4500);
		expect(body.length).toBeGreaterThan(9000);
		expect(body.length).toBeLessThan(9200);
		let error: unknown;
		try {
			parseWebhookRequest(body);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(WebhookParseError);
		expect((error as WebhookParseError).status).toBe(400);
		expect((error as Error).message).toMatch(/nested more than 64 levels/);
		// the same object handed over already parsed
		expect(() => parseWebhook(JSON.parse(body))).toThrow(/nested more than 64 levels/);
		// depth 60 is fine (and hashed without trouble)
		expect(parseWebhookRequest(nested(55)).events).toHaveLength(1);
	});

	it('jsonDepth ignores brackets inside strings, including escaped quotes', () => {
		expect(jsonDepth(Buffer.from('{"a":"[[[{{{\\"[[["}'))).toBe(1);
		expect(jsonDepth(Buffer.from('[[1],[[2]]]'))).toBe(3);
		expect(jsonDepth(Buffer.from('"\\\\"'))).toBe(0);
		expect(jsonDepth(Buffer.from('{"é":"✓[","b":[{}]}'))).toBe(3);
		expect(jsonDepth(Buffer.from('['.repeat(1000)), 10)).toBe(11);
	});

	it('a body over the size limit is a 413', () => {
		const big = Buffer.alloc(WEBHOOK_LIMITS.maxBytes + 1, 0x20);
		expect(() => parseWebhookRequest(big)).toThrow(expect.objectContaining({ status: 413 }));
	});

	it('a status with "id": "" is skipped and reported; the valid status beside it is kept', () => {
		const body = load('meta-docs/status-read-played.json') as any;
		body.entry[0].changes[0].value.statuses[0].id = '';
		const { events, skipped } = parseWebhookRequest(JSON.stringify(body));
		expect(events.map((e) => (e as StatusEvent).status)).toEqual(['played']);
		expect(skipped).toEqual([
			expect.objectContaining({
				kind: 'skipped',
				skippedKind: 'status',
				status: 'read',
				reason: 'The status "id" is empty',
				path: 'entry[0].changes[0].value.statuses[0]',
				phoneNumberId: '106540352242922',
				raw: body.entry[0].changes[0].value.statuses[0],
			}),
		]);
	});

	it.each([
		['missing', undefined, 'has no "id"'],
		['blank', '   ', '"id" is empty'],
		['an object', { a: 1 }, '"id" is an object, not a string'],
		['an array', ['x'], '"id" is an array, not a string'],
		['too long', 'w'.repeat(300), '"id" is 300 characters long (limit 256)'],
		['with a NUL', 'wamid.a\u0000b', '"id" contains control characters'],
		['a lone surrogate', 'wamid.\ud800', '"id" is not well-formed Unicode'],
	])('a status id that is %s is skipped with a reason naming the field', (_what, id, reason) => {
		const body = load('meta-docs/status-read-played.json') as any;
		body.entry[0].changes[0].value.statuses[1].id = id;
		const { events, skipped } = parseWebhookRequest(JSON.stringify(body));
		expect(events).toHaveLength(1);
		expect(skipped[0].reason).toBe(`The status ${reason}`);
	});

	it('a message whose sender or business number cannot be a store key is skipped; an unusable reply reference is dropped', () => {
		const body = load('meta-openapi/text-message.json') as any;
		body.entry[0].changes[0].value.messages[0].from = '1'.repeat(5000);
		expect(parseWebhookRequest(JSON.stringify(body)).skipped[0]).toMatchObject({ skippedKind: 'message', reason: 'The message "from" is 5000 characters long (limit 256)' });
		const other = load('meta-openapi/text-message.json') as any;
		other.entry[0].changes[0].value.metadata.phone_number_id = '';
		const r = parseWebhookRequest(JSON.stringify(other));
		expect(r.events).toEqual([]);
		expect(r.skipped[0]).toMatchObject({ skippedKind: 'message', path: 'entry[0].changes[0]', reason: 'The change value "metadata.phone_number_id" is empty' });
		const reply = load('meta-openapi/text-message.json') as any;
		reply.entry[0].changes[0].value.messages[0].context = { from: '1', id: 'x\u0000' };
		const [m] = parseWebhookRequest(JSON.stringify(reply)).events as MessageEvent[];
		expect(m.replyToMessageId).toBeUndefined();
	});

	it('NUL characters are removed from text fields (Postgres refuses them)', () => {
		const body = load('meta-openapi/text-message.json') as any;
		body.entry[0].changes[0].value.messages[0].text.body = 'ST\u0000OP';
		body.entry[0].changes[0].value.contacts[0].profile.name = 'A\u0000B';
		const [m] = parseWebhookRequest(JSON.stringify(body)).events as MessageEvent[];
		expect(m).toMatchObject({ text: 'STOP', profileName: 'AB' });
	});

	it('a user preference without wa_id or user_id is skipped', () => {
		const body = load('meta-docs/user-preferences-stop.json') as any;
		delete body.entry[0].changes[0].value.user_preferences[0].wa_id;
		delete body.entry[0].changes[0].value.contacts;
		const r = parseWebhookRequest(JSON.stringify(body));
		expect(r.events).toEqual([]);
		expect(r.skipped[0]).toMatchObject({ skippedKind: 'user_preference', reason: 'The user preference has no "wa_id" or "user_id"' });
	});

	it('a Flow response_json nested too deep is kept as text', () => {
		const body = load('meta-docs/flow-nfm-reply.json') as any;
		const m = body.entry[0].changes[0].value.messages[0];
		m.interactive.nfm_reply.response_json = '['.repeat(5000) + ']'.repeat(5000);
		const [e] = parseWebhookRequest(JSON.stringify(body)).events as MessageEvent[];
		expect(e.interactive?.flowResponse).toBeUndefined();
		expect(e.interactive?.flowResponseRaw).toHaveLength(10000);
	});
});

describe('template events are de-duplicated by content, not entry.time (issue 15)', () => {
	const withTime = (rel: string, time: number, edit?: (v: any) => void) => {
		const body = load(rel) as any;
		body.entry[0].time = time;
		edit?.(body.entry[0].changes[0].value);
		return parseWebhook(body)[0].eventId;
	};
	it.each(['meta-docs/message-template-status-update.json', 'meta-docs/message-template-quality-update.json', 'meta-docs/template-category-update-impending.json', 'meta-docs/template-category-update-completed.json'])(
		'%s: another entry.time → same key; another change → another key',
		(rel) => {
			expect(withTime(rel, 1739321024)).toBe(withTime(rel, 1739329999));
			expect(withTime(rel, 1739321024)).not.toBe(withTime(rel, 1739321024, (v) => (v.message_template_id = 42)));
		},
	);
	it('event, reason and quality scores are part of the key', () => {
		const rel = 'meta-docs/message-template-status-update.json';
		const base = withTime(rel, 1);
		expect(withTime(rel, 2, (v) => (v.event = 'APPROVED'))).not.toBe(base);
		expect(withTime(rel, 2, (v) => (v.reason = 'ABUSIVE_CONTENT'))).not.toBe(base);
		const q = 'meta-docs/message-template-quality-update.json';
		expect(withTime(q, 2, (v) => (v.new_quality_score = 'RED'))).not.toBe(withTime(q, 1));
		// other account-level changes still include the envelope time
		const acct = 'meta-docs/account-update-restriction.json';
		expect(withTime(acct, 1)).not.toBe(withTime(acct, 2));
	});
});
