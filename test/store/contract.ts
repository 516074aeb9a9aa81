/**
 * The Store contract (core/store/types.ts) as a reusable jest suite: every backend runs it
 * (`describeStoreContract('sqlite', () => openStore(...))`; Postgres will reuse it).
 * Each test gets a fresh, empty store and passes explicit times (no clock in assertions).
 */
import type { ArrivalBooking, Contact, Recipient, Store } from '../../core/store/types';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const T0 = 1_700_000_000_000;

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
	const out: T[] = [];
	for await (const item of iterable) out.push(item);
	return out;
}

const ids = (contacts: Contact[]) => contacts.map((c) => c.waId);
const waIds = (recipients: Recipient[]) => recipients.map((r) => r.waId);

export function describeStoreContract(label: string, makeStore: () => Promise<Store>): void {
	describe(`Store contract: ${label}`, () => {
		let store: Store;
		beforeEach(async () => {
			store = await makeStore();
		});
		afterEach(async () => {
			await store.close();
		});

		// ───────────── contacts ─────────────

		describe('contacts', () => {
			it('upserts by waId: added, then updated, then unchanged, with created/updated times', async () => {
				expect(await store.upsertContacts([{ waId: '4915100000001', name: 'Ann', country: 'DE' }], { now: T0 })).toEqual(['added']);
				let c = await store.getContact('4915100000001');
				expect(c).toMatchObject({ waId: '4915100000001', name: 'Ann', country: 'DE', tags: [], attributes: {}, optedOut: false });
				expect(c?.createdAt).toBe(T0);
				expect(c?.updatedAt).toBe(T0);

				expect(await store.upsertContacts([{ waId: '4915100000001', name: 'Anna' }], { now: T0 + 10 })).toEqual(['updated']);
				c = await store.getContact('4915100000001');
				expect(c).toMatchObject({ name: 'Anna', country: 'DE', createdAt: T0, updatedAt: T0 + 10 });

				expect(await store.upsertContacts([{ waId: '4915100000001', name: 'Anna', country: 'DE' }], { now: T0 + 20 })).toEqual([
					'unchanged',
				]);
				expect((await store.getContact('4915100000001'))?.updatedAt).toBe(T0 + 10);
			});

			it('importSink writes a bulk import the store then reads, and closes', async () => {
				const target = await store.importSink();
				expect(await target.sink.upsertContacts([{ waId: '4915100000009', name: 'Imp', tags: ['csv'] }], { now: T0 })).toEqual(['added']);
				await target.close();
				expect(await store.getContact('4915100000009')).toMatchObject({ name: 'Imp', tags: ['csv'], createdAt: T0 });
			});

			it('reports per input in order, including a waId repeated inside one batch', async () => {
				await store.upsertContacts([{ waId: '111' }], { now: T0 });
				const out = await store.upsertContacts(
					[{ waId: '222', name: 'B' }, { waId: '111' }, { waId: '222', name: 'B2' }, { waId: '333' }, { waId: '111', name: 'A' }],
					{ now: T0 + 1 },
				);
				expect(out).toEqual(['added', 'unchanged', 'updated', 'added', 'updated']);
				expect((await store.getContact('222'))?.name).toBe('B2');
				expect((await store.getContact('111'))?.name).toBe('A');
			});

			it('merges tags by default and replaces them in replace mode; tags are trimmed, unique and sorted', async () => {
				await store.upsertContacts([{ waId: '100', tags: ['vip', ' b2b ', 'vip', ''] }], { now: T0 });
				expect((await store.getContact('100'))?.tags).toEqual(['b2b', 'vip']);
				expect(await store.upsertContacts([{ waId: '100', tags: ['new'] }], { now: T0 + 1 })).toEqual(['updated']);
				expect((await store.getContact('100'))?.tags).toEqual(['b2b', 'new', 'vip']);
				expect(await store.upsertContacts([{ waId: '100', tags: ['vip'] }], { now: T0 + 2 })).toEqual(['unchanged']);
				expect(await store.upsertContacts([{ waId: '100', tags: ['solo'] }], { tagsMode: 'replace', now: T0 + 3 })).toEqual(['updated']);
				expect((await store.getContact('100'))?.tags).toEqual(['solo']);
				// replace without tags keeps them
				expect(await store.upsertContacts([{ waId: '100', name: 'X' }], { tagsMode: 'replace', now: T0 + 4 })).toEqual(['updated']);
				expect((await store.getContact('100'))?.tags).toEqual(['solo']);
				// the tag filter follows the replacement
				expect(ids((await store.listContacts({ tagsAny: ['vip'] })).items)).toEqual([]);
				expect(ids((await store.listContacts({ tagsAny: ['solo'] })).items)).toEqual(['100']);
			});

			it('merges attributes key by key', async () => {
				await store.upsertContacts([{ waId: '100', attributes: { city: 'Berlin', plan: 'gold' } }], { now: T0 });
				expect(await store.upsertContacts([{ waId: '100', attributes: { plan: 'silver', age: 30 } }], { now: T0 + 1 })).toEqual([
					'updated',
				]);
				expect((await store.getContact('100'))?.attributes).toEqual({ city: 'Berlin', plan: 'silver', age: 30 });
				expect(await store.upsertContacts([{ waId: '100', attributes: { city: 'Berlin' } }], { now: T0 + 2 })).toEqual(['unchanged']);
			});

			it('treats empty strings as absent (an empty cell never erases a value)', async () => {
				await store.upsertContacts([{ waId: '100', name: 'Ann', source: 'crm' }], { now: T0 });
				expect(await store.upsertContacts([{ waId: '100', name: '', source: '' }], { now: T0 + 1 })).toEqual(['unchanged']);
				expect(await store.getContact('100')).toMatchObject({ name: 'Ann', source: 'crm' });
			});

			it('never clears an opt-out on upsert', async () => {
				await store.upsertContacts([{ waId: '100', name: 'Ann' }], { now: T0 });
				await store.setOptOut('100', true, 'STOP keyword', T0 + 1);
				expect(await store.upsertContacts([{ waId: '100', name: 'Ann B', tags: ['x'] }], { now: T0 + 2 })).toEqual(['updated']);
				expect(await store.getContact('100')).toMatchObject({ name: 'Ann B', optedOut: true, optOutAt: T0 + 1, optOutSource: 'STOP keyword' });
			});

			it('opts out through an upsert (optOut), never back in; an earlier opt-out keeps its time and source', async () => {
				expect(
					await store.upsertContacts([{ waId: '100', name: 'Ann', optOut: { source: 'import' } }, { waId: '200' }], { now: T0 }),
				).toEqual(['added', 'added']);
				expect(await store.getContact('100')).toMatchObject({ name: 'Ann', optedOut: true, optOutAt: T0, optOutSource: 'import' });
				expect((await store.getContact('200'))?.optedOut).toBe(false);
				// an existing contact: optOut.at wins over the upsert's time
				expect(await store.upsertContacts([{ waId: '200', optOut: { source: 'crm', at: T0 + 1 } }], { now: T0 + 2 })).toEqual(['updated']);
				expect(await store.getContact('200')).toMatchObject({ optedOut: true, optOutAt: T0 + 1, optOutSource: 'crm', updatedAt: T0 + 2 });
				// already opted out: nothing changes (first opt-out kept); an upsert without optOut never clears it
				expect(await store.upsertContacts([{ waId: '100', optOut: { source: 'other' } }], { now: T0 + 3 })).toEqual(['unchanged']);
				expect(await store.upsertContacts([{ waId: '100', name: 'Ann' }], { now: T0 + 3 })).toEqual(['unchanged']);
				expect(await store.getContact('100')).toMatchObject({ optedOut: true, optOutAt: T0, optOutSource: 'import', updatedAt: T0 });
				// opted back in explicitly, then out again by an upsert: the opt-in record stays
				await store.setOptOut('100', false, 'form', T0 + 4);
				expect(await store.upsertContacts([{ waId: '100', optOut: { source: 'import' } }], { now: T0 + 5 })).toEqual(['updated']);
				expect(await store.getContact('100')).toMatchObject({ optedOut: true, optOutAt: T0 + 5, optOutSource: 'import', optInAt: T0 + 4, optInSource: 'form' });
				// a number given twice in one batch: new, then opted out by its second input
				expect(await store.upsertContacts([{ waId: '300', tags: ['a'] }, { waId: '300', optOut: { source: 'import' } }], { now: T0 + 6 })).toEqual([
					'added',
					'updated',
				]);
				expect(await store.getContact('300')).toMatchObject({ tags: ['a'], optedOut: true, optOutAt: T0 + 6, optOutSource: 'import' });
				expect((await store.listContacts({ optedOut: true })).items.map((c) => c.waId)).toEqual(['100', '200', '300']);
				expect((await store.listContacts({ optedOut: false })).items).toEqual([]);
				// malformed optOut: named, nothing written
				await expect(store.upsertContacts([{ waId: '400' }, { waId: '400', optOut: { source: '' } }])).rejects.toThrow(/Contact #1.*optOut\.source/);
				await expect(store.upsertContacts([{ waId: '400', optOut: true as unknown as { source: string } }])).rejects.toThrow(/Contact #0.*optOut/);
				await expect(store.upsertContacts([{ waId: '400', optOut: { source: 'x', at: 'now' as unknown as number } }])).rejects.toThrow(/Contact #0.*optOut\.at/);
				expect(await store.getContact('400')).toBeUndefined();
			});

			it('rejects bad input with an error naming the item and field, writing nothing', async () => {
				await expect(store.upsertContacts([{ waId: '100' }, { waId: '+49 151' }])).rejects.toThrow(/Contact #1.*waId/);
				await expect(store.upsertContacts([{ waId: '100', tags: 'vip' as unknown as string[] }])).rejects.toThrow(/Contact #0.*tags/);
				await expect(
					store.upsertContacts([{ waId: '100', attributes: [] as unknown as Record<string, unknown> }]),
				).rejects.toThrow(/Contact #0.*attributes/);
				expect(await store.getContact('100')).toBeUndefined();
				expect(await store.upsertContacts([])).toEqual([]);
			});

			it('opts out and back in, and keeps an opt-out for an unknown number', async () => {
				await store.upsertContacts([{ waId: '100' }], { now: T0 });
				expect(await store.setOptOut('100', true, 'webhook', T0 + 5)).toMatchObject({ optedOut: true, optOutAt: T0 + 5, optOutSource: 'webhook' });
				// already opted out: the first opt-out is kept
				expect(await store.setOptOut('100', true, 'manual', T0 + 6)).toMatchObject({ optOutAt: T0 + 5, optOutSource: 'webhook' });
				expect(await store.setOptOut('100', false, 'form', T0 + 7)).toMatchObject({ optedOut: false, optInAt: T0 + 7, optInSource: 'form' });

				const bare = await store.setOptOut('200', true, 'STOP keyword', T0 + 8);
				expect(bare).toMatchObject({ waId: '200', optedOut: true, optOutAt: T0 + 8, tags: [] });
				expect(await store.setOptOut('300', false, 'form', T0)).toBeUndefined();
				expect(await store.getContact('300')).toBeUndefined();
				// an import of the opted-out number afterwards does not resurrect it
				expect(await store.upsertContacts([{ waId: '200', name: 'Bob' }], { now: T0 + 9 })).toEqual(['updated']);
				expect((await store.getContact('200'))?.optedOut).toBe(true);
			});

			it('deletes a contact and its tags', async () => {
				await store.upsertContacts([{ waId: '100', tags: ['a'] }, { waId: '200', tags: ['a'] }], { now: T0 });
				expect(await store.deleteContact('100')).toBe(true);
				expect(await store.deleteContact('100')).toBe(false);
				expect(await store.getContact('100')).toBeUndefined();
				expect(ids((await store.listContacts({ tagsAny: ['a'] })).items)).toEqual(['200']);
				await store.upsertContacts([{ waId: '100' }], { now: T0 + 1 });
				expect((await store.getContact('100'))?.tags).toEqual([]);
			});

			it('touchContact creates a bare contact, keeps the latest activity and only fills an empty name', async () => {
				await store.touchContact('100', T0 + 50, 'Profile');
				expect(await store.getContact('100')).toMatchObject({ waId: '100', name: 'Profile', lastActiveAt: T0 + 50, optedOut: false });
				await store.touchContact('100', T0 + 10, 'Other');
				expect(await store.getContact('100')).toMatchObject({ name: 'Profile', lastActiveAt: T0 + 50 });
				await store.touchContact('100', T0 + 90);
				expect((await store.getContact('100'))?.lastActiveAt).toBe(T0 + 90);
				await store.upsertContacts([{ waId: '200', name: 'Set' }], { now: T0 });
				await store.touchContact('200', T0 + 1, 'Profile');
				expect(await store.getContact('200')).toMatchObject({ name: 'Set', lastActiveAt: T0 + 1 });
			});

			describe('filters', () => {
				beforeEach(async () => {
					await store.upsertContacts(
						[
							{ waId: '101', tags: ['vip', 'de'], attributes: { city: 'Berlin', score: 5, paid: true } },
							{ waId: '102', tags: ['de'], attributes: { city: 'Hamburg', score: 7, paid: false } },
						],
						{ now: T0 },
					);
					await store.upsertContacts([{ waId: '103', tags: ['vip'], attributes: { city: 'Berlin' } }, { waId: '104' }], { now: T0 + DAY });
					await store.setOptOut('103', true, 'STOP', T0 + DAY);
					await store.touchContact('102', T0 + 2 * DAY);
					await store.touchContact('104', T0 + 3 * DAY);
				});

				it('tagsAny / tagsAll', async () => {
					expect(ids((await store.listContacts({ tagsAny: ['vip'] })).items)).toEqual(['101', '103']);
					expect(ids((await store.listContacts({ tagsAny: ['vip', 'de'] })).items)).toEqual(['101', '102', '103']);
					expect(ids((await store.listContacts({ tagsAll: ['vip', 'de'] })).items)).toEqual(['101']);
					expect(ids((await store.listContacts({ tagsAll: ['vip', 'de', 'nope'] })).items)).toEqual([]);
					expect(ids((await store.listContacts({ tagsAny: [] })).items)).toEqual(['101', '102', '103', '104']);
				});

				it('attributes compare as strings', async () => {
					expect(ids((await store.listContacts({ attributes: { city: 'Berlin' } })).items)).toEqual(['101', '103']);
					expect(ids((await store.listContacts({ attributes: { city: 'Berlin', score: '5' } })).items)).toEqual(['101']);
					expect(ids((await store.listContacts({ attributes: { paid: 'false' } })).items)).toEqual(['102']);
					expect(ids((await store.listContacts({ attributes: { paid: 'true' } })).items)).toEqual(['101']);
					expect(ids((await store.listContacts({ attributes: { missing: 'x' } })).items)).toEqual([]);
				});

				it('optedOut, created and last-active ranges, combined', async () => {
					expect(ids((await store.listContacts({ optedOut: true })).items)).toEqual(['103']);
					expect(ids((await store.listContacts({ optedOut: false })).items)).toEqual(['101', '102', '104']);
					expect(ids((await store.listContacts({ createdFrom: T0 + 1 })).items)).toEqual(['103', '104']);
					expect(ids((await store.listContacts({ createdTo: T0 })).items)).toEqual(['101', '102']);
					expect(ids((await store.listContacts({ lastActiveFrom: T0 + 2 * DAY })).items)).toEqual(['102', '104']);
					expect(ids((await store.listContacts({ lastActiveFrom: T0, lastActiveTo: T0 + 2 * DAY })).items)).toEqual(['102']);
					expect(ids((await store.listContacts({ tagsAny: ['vip'], optedOut: false, createdTo: T0 })).items)).toEqual(['101']);
				});

				it('rejects malformed filters clearly', async () => {
					await expect(store.listContacts({ tagsAny: 'vip' as unknown as string[] })).rejects.toThrow(/tagsAny/);
					await expect(store.listContacts({ createdFrom: 'yesterday' as unknown as number })).rejects.toThrow(/createdFrom/);
				});
			});

			it('tag filters stay exact for common and rare tags alike (6,000 contacts)', async () => {
				const inputs = Array.from({ length: 6000 }, (_, i) => ({
					waId: String(700000 + i),
					tags: ['common', ...(i % 1000 === 5 ? ['rare'] : []), ...(i % 2 ? ['odd'] : [])],
				}));
				for (let i = 0; i < inputs.length; i += 1000) await store.upsertContacts(inputs.slice(i, i + 1000), { now: T0 });
				const rare = ['700005', '701005', '702005', '703005', '704005', '705005'];
				expect(ids((await store.listContacts({ tagsAny: ['rare'] })).items)).toEqual(rare);
				expect(ids((await store.listContacts({ tagsAll: ['common', 'rare'] })).items)).toEqual(rare);
				expect(ids((await store.listContacts({ tagsAll: ['odd', 'rare'] })).items)).toEqual(rare.filter((w) => Number(w) % 2));
				const odd = await all(store.iterateContacts({ tagsAll: ['common', 'odd'] }, 700));
				expect(odd).toHaveLength(3000);
				expect(odd.every((c) => Number(c.waId) % 2 === 1)).toBe(true);
				expect(await all(store.iterateContacts({ tagsAny: ['common', 'rare'] }, 999))).toHaveLength(6000);
				const page = await store.listContacts({ tagsAny: ['odd'] }, { limit: 3 });
				expect(ids(page.items)).toEqual(['700001', '700003', '700005']);
			});

			it('pages by waId with an opaque cursor (keyset)', async () => {
				const inputs = Array.from({ length: 25 }, (_, i) => ({ waId: String(1000 + ((i * 7) % 25)), tags: i % 2 ? ['odd'] : [] }));
				await store.upsertContacts(inputs, { now: T0 });
				const seen: string[] = [];
				let cursor: string | undefined;
				let pages = 0;
				do {
					const page = await store.listContacts({}, { limit: 10, cursor });
					seen.push(...ids(page.items));
					cursor = page.next;
					pages++;
				} while (cursor);
				expect(pages).toBe(3);
				expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => String(1000 + i)));
				// exactly one full page: no dangling empty page
				const one = await store.listContacts({ tagsAny: ['odd'] }, { limit: 12 });
				expect(one.items).toHaveLength(12);
				expect(one.next).toBeUndefined();
				// a contact added after the cursor position is still reached
				const first = await store.listContacts({}, { limit: 5 });
				await store.upsertContacts([{ waId: '1004999' }], { now: T0 });
				const rest = await all(
					(async function* () {
						let c = first.next;
						while (c) {
							const p = await store.listContacts({}, { limit: 5, cursor: c });
							yield* p.items;
							c = p.next;
						}
					})(),
				);
				expect(ids(rest)).toContain('1004999');
				await expect(store.listContacts({}, { cursor: 'not-a-cursor' })).rejects.toThrow(/cursor/);
			});

			it('iterateContacts streams every match in waId order', async () => {
				await store.upsertContacts(
					Array.from({ length: 30 }, (_, i) => ({ waId: String(500 + i), tags: i % 3 === 0 ? ['third'] : ['other'] })),
					{ now: T0 },
				);
				const got = await all(store.iterateContacts({ tagsAny: ['third'] }, 4));
				expect(ids(got)).toEqual(Array.from({ length: 10 }, (_, i) => String(500 + i * 3)));
				expect(await all(store.iterateContacts({ tagsAny: ['none'] }))).toEqual([]);
			});
		});

		describe('identity: one contact per person (issue 14)', () => {
			it('resolveContacts finds a person by its key, a linked identifier, or a national variant', async () => {
				await store.upsertContacts([{ waId: '5511987654321', name: 'Ana' }, { waId: '5491112345678', name: 'Leo' }], { now: T0 });
				await store.linkIdentity('5511987654321', 'BR.1502576394655843', 'bsuid', 'webhook', T0 + 1);
				const m = await store.resolveContacts(['5511987654321', '551187654321', 'BR.1502576394655843', '541112345678', '4915100000000']);
				expect(m).toEqual(
					new Map([
						['5511987654321', '5511987654321'],
						['551187654321', '5511987654321'], // BR without the 9th digit
						['BR.1502576394655843', '5511987654321'],
						['541112345678', '5491112345678'], // AR without the mobile 9
					]),
				);
				expect(await store.contactIdentities('5511987654321')).toEqual([{ identifier: 'BR.1502576394655843', kind: 'bsuid', source: 'webhook', createdAt: T0 + 1 }]);
			});

			it('linking an identifier another contact holds merges the two: tags and attributes unioned, earliest opt-out wins, latest window wins, recorded', async () => {
				await store.upsertContacts([{ waId: '5215512345678', name: 'Old', tags: ['vip'], attributes: { city: 'CDMX' } }], { now: T0 });
				await store.upsertContacts([{ waId: '525512345678', name: 'New', tags: ['promo'], attributes: { plan: 'gold' } }], { now: T0 + 5 });
				await store.setOptOut('5215512345678', true, 'keyword:STOP', T0 + 10);
				await store.setOptOut('525512345678', true, 'user_preferences', T0 + 20);
				await store.recordInbound([
					{ phoneNumberId: 'PN', waId: '5215512345678', at: T0 + 30 },
					{ phoneNumberId: 'PN', waId: '525512345678', at: T0 + 25 },
				]);
				const v0 = await store.gateVersion();
				expect(await store.linkIdentity('525512345678', '5215512345678', 'wa_id', 'send_response', T0 + 40)).toEqual({ key: '525512345678', merged: '5215512345678' });
				expect(await store.gateVersion()).toBeGreaterThan(v0);
				expect(await store.getContact('5215512345678')).toBeUndefined();
				expect(await store.getContact('525512345678')).toMatchObject({
					name: 'New',
					tags: ['promo', 'vip'],
					attributes: { city: 'CDMX', plan: 'gold' },
					optedOut: true,
					optOutAt: T0 + 10,
					optOutSource: 'keyword:STOP',
					createdAt: T0,
				});
				expect((await store.getWindow('PN', '525512345678'))?.lastInboundAt).toBe(T0 + 30);
				expect(await store.getWindow('PN', '5215512345678')).toBeUndefined();
				expect((await store.resolveContacts(['5215512345678'])).get('5215512345678')).toBe('525512345678');
				expect((await store.listContacts({ tagsAll: ['vip', 'promo'] })).items.map((c) => c.waId)).toEqual(['525512345678']);
				// idempotent
				expect(await store.linkIdentity('525512345678', '5215512345678', 'wa_id', 'send_response', T0 + 50)).toEqual({ key: '525512345678' });
			});

			it('a BSUID-only contact merges into the contact with the number once Meta shows both', async () => {
				await store.touchContact('US.13491208655302741', T0, 'Username user');
				await store.setOptOut('US.13491208655302741', true, 'keyword:STOP', T0 + 1);
				await store.recordInbound([{ phoneNumberId: 'PN', waId: 'US.13491208655302741', at: T0 + 2 }]);
				await store.upsertContacts([{ waId: '14155550123', tags: ['lead'] }], { now: T0 });
				const r = await store.linkIdentity('US.13491208655302741', '14155550123', 'wa_id', 'webhook', T0 + 3);
				expect(r).toEqual({ key: '14155550123', merged: 'US.13491208655302741' });
				expect(await store.getContact('14155550123')).toMatchObject({ name: 'Username user', optedOut: true, tags: ['lead'] });
				expect((await store.getWindow('PN', '14155550123'))?.lastInboundAt).toBe(T0 + 2);
				expect((await store.resolveContacts(['US.13491208655302741'])).get('US.13491208655302741')).toBe('14155550123');
				await expect(store.linkIdentity('not a key', 'x', 'wa_id', 's', T0)).rejects.toThrow(/waId must be/);
			});

			it('two concurrent links of the same person end in one contact', async () => {
				await store.upsertContacts([{ waId: '5511987650001' }, { waId: '551187650001' }], { now: T0 });
				await Promise.all([
					store.linkIdentity('5511987650001', '551187650001', 'wa_id', 'a', T0 + 1),
					store.linkIdentity('551187650001', '5511987650001', 'wa_id', 'b', T0 + 1),
					store.linkIdentity('5511987650001', 'BR.99887766554433', 'bsuid', 'c', T0 + 2),
				]);
				const keys = await store.resolveContacts(['5511987650001', '551187650001', 'BR.99887766554433']);
				expect(new Set(keys.values()).size).toBe(1);
				const survivors = (await store.listContacts({})).items.filter((c) => ['5511987650001', '551187650001'].includes(c.waId));
				expect(survivors).toHaveLength(1);
			});
		});

		// ───────────── campaigns and the ledger ─────────────

		describe('campaigns and ledger', () => {
			const CID = 'cmp-1';
			const claim = (workerId: string, limit: number, now: number, leaseMs = 60_000) =>
				store.claimRecipients({ campaignId: CID, workerId, limit, now, leaseMs });

			beforeEach(async () => {
				await store.createCampaign(
					{ id: CID, phoneNumberId: 'pn-1', templateName: 'promo', templateLanguage: 'en', category: 'MARKETING', config: { a: 1 } },
					T0,
				);
			});

			it('createCampaign is idempotent by id (resume returns the stored campaign unchanged)', async () => {
				const again = await store.createCampaign({ id: CID, phoneNumberId: 'other', templateName: 'x' }, T0 + 5);
				expect(again.created).toBe(false);
				expect(again.campaign).toMatchObject({
					id: CID,
					phoneNumberId: 'pn-1',
					templateName: 'promo',
					category: 'MARKETING',
					state: 'running',
					config: { a: 1 },
					createdAt: T0,
				});
				const fresh = await store.createCampaign({ id: 'cmp-2', phoneNumberId: 'pn-1' }, T0);
				expect(fresh.created).toBe(true);
				expect(await store.getCampaign('cmp-2')).toEqual(fresh.campaign);
				expect(await store.getCampaign('nope')).toBeUndefined();
			});

			it('setCampaignState records state and reason', async () => {
				await store.setCampaignState(CID, 'paused', '132015 template paused', T0 + 1);
				expect(await store.getCampaign(CID)).toMatchObject({ state: 'paused', reason: '132015 template paused', updatedAt: T0 + 1 });
				await store.setCampaignState(CID, 'running', undefined, T0 + 2);
				const c = await store.getCampaign(CID);
				expect(c?.state).toBe('running');
				expect(c?.reason).toBeUndefined();
				await expect(store.setCampaignState('nope', 'paused')).rejects.toThrow(/nope.*not found/);
			});

			it('addRecipients inserts once (duplicates counted) and skipReason inserts as skipped', async () => {
				expect(
					await store.addRecipients(
						CID,
						[
							{ waId: '1', itemIndex: 0, payload: { v: 'x' } },
							{ waId: '2', itemIndex: 1 },
							{ waId: '1', itemIndex: 2 },
							{ waId: 'bad', itemIndex: 3, skipReason: 'invalid phone' },
						],
						T0,
					),
				).toEqual({ inserted: 3, duplicates: 1 });
				expect(await store.addRecipients(CID, [{ waId: '2' }, { waId: '3' }], T0)).toEqual({ inserted: 1, duplicates: 1 });
				expect(await store.getRecipient(CID, '1')).toMatchObject({ state: 'queued', itemIndex: 0, payload: { v: 'x' }, attempts: 0 });
				expect(await store.getRecipient(CID, 'bad')).toMatchObject({ state: 'skipped', errorMessage: 'invalid phone' });
				await expect(store.addRecipients('nope', [{ waId: '1' }])).rejects.toThrow(/nope.*not found/);
				await expect(store.addRecipients(CID, [{ waId: '' }])).rejects.toThrow(/recipient #0/);
			});

			it('claims queued rows in order, once, marking them sending with the claim', async () => {
				await store.addRecipients(CID, ['1', '2', '3', '4', '5'].map((waId) => ({ waId })), T0);
				const a = await claim('w1', 2, T0 + 1, 1000);
				expect(waIds(a)).toEqual(['1', '2']);
				expect(a[0]).toMatchObject({ state: 'sending', claimedBy: 'w1', claimExpiresAt: T0 + 1001 });
				const b = await claim('w2', 10, T0 + 2);
				expect(waIds(b)).toEqual(['3', '4', '5']);
				expect(await claim('w3', 10, T0 + 3)).toEqual([]);
				// concurrent claims never share a row
				await store.addRecipients(CID, Array.from({ length: 40 }, (_, i) => ({ waId: `c${i}` })), T0);
				const parallel = await Promise.all([claim('x', 7, T0 + 4), claim('y', 7, T0 + 4), claim('z', 50, T0 + 4)]);
				const flat = parallel.flatMap(waIds);
				expect(flat).toHaveLength(40);
				expect(new Set(flat).size).toBe(40);
			});

			it('claims retry/deferred rows only when due (due ones first) and never re-claims an expired sending row', async () => {
				await store.addRecipients(CID, ['1', '2', '3', '4'].map((waId) => ({ waId })), T0);
				await claim('w', 3, T0, 100);
				await store.updateRecipient(CID, '1', { state: 'retry', nextAttemptAt: T0 + 500, expectClaimedBy: 'w', now: T0 + 1 });
				await store.updateRecipient(CID, '2', { state: 'deferred', nextAttemptAt: T0 + DAY, expectClaimedBy: 'w', now: T0 + 1 });
				// '3' stays sending; its lease expires at T0 + 100
				expect(waIds(await claim('v', 10, T0 + 200))).toEqual(['4']);
				expect(waIds(await claim('v', 10, T0 + 499))).toEqual([]);
				expect(waIds(await claim('v', 10, T0 + 500))).toEqual(['1']);
				expect(waIds(await claim('v', 10, T0 + DAY))).toEqual(['2']);
				expect((await store.getRecipient(CID, '3'))?.state).toBe('sending');

				// ordering: a due retry comes before fresh queued rows
				await store.addRecipients(CID, [{ waId: '5' }], T0);
				await store.updateRecipient(CID, '4', { state: 'retry', nextAttemptAt: T0, now: T0 });
				expect(waIds(await claim('v', 1, T0 + DAY))).toEqual(['4']);
			});

			it('expireClaims moves expired dispatched rows to unknown and re-queues undispatched ones; the original worker may still record the outcome', async () => {
				await store.addRecipients(CID, ['1', '2', '3', '4'].map((waId) => ({ waId })), T0);
				await claim('w1', 2, T0, 100);
				await claim('w2', 1, T0 + 50, 100);
				await claim('w9', 1, T0 + 10, 100);
				expect(await store.markDispatched(CID, ['1', '2', '3'], 'w1', T0 + 5)).toEqual(expect.arrayContaining(['1', '2']));
				expect(await store.markDispatched(CID, ['3'], 'w1', T0 + 5)).toEqual([]); // not w1's claim
				expect(await store.expireClaims(CID, T0 + 120)).toEqual({ unknown: 2, requeued: 1 });
				expect(await store.getRecipient(CID, '1')).toMatchObject({ state: 'unknown', claimedBy: 'w1', dispatchedAt: T0 + 5 });
				// claimed but never dispatched: its request never left the crashed run → due again now
				expect(await store.getRecipient(CID, '4')).toMatchObject({ state: 'retry', nextAttemptAt: T0 + 120 });
				expect((await store.getRecipient(CID, '4'))?.claimedBy).toBeUndefined();
				expect((await store.getRecipient(CID, '3'))?.state).toBe('sending');
				expect(await store.expireClaims(CID, T0 + 120)).toEqual({ unknown: 0, requeued: 0 });
				expect(waIds(await claim('w4', 10, T0 + 130))).toEqual(['4']);
				expect((await store.getRecipient(CID, '4'))?.dispatchedAt).toBeUndefined();
				expect(await claim('w3', 10, T0 + 1000)).toEqual([]);
				await store.updateRecipient(CID, '4', { state: 'accepted', expectClaimedBy: 'w4' });
				// another worker cannot touch it; the original can
				expect(await store.updateRecipient(CID, '1', { state: 'accepted', messageId: 'm', expectClaimedBy: 'w2' })).toBe(false);
				expect(await store.updateRecipient(CID, '1', { state: 'accepted', messageId: 'm1', expectClaimedBy: 'w1', now: T0 + 130 })).toBe(
					true,
				);
				expect(await store.getRecipient(CID, '1')).toMatchObject({ state: 'accepted', messageId: 'm1', updatedAt: T0 + 130 });
				expect((await store.getRecipient(CID, '1'))?.claimedBy).toBeUndefined();
			});

			it('updateRecipient: guard, attempts, nullable fields; a claim is ended by a state change', async () => {
				await store.addRecipients(CID, [{ waId: '1' }], T0);
				await claim('w1', 1, T0);
				expect(await store.updateRecipient(CID, '1', { state: 'accepted', expectClaimedBy: 'w2' })).toBe(false);
				expect(
					await store.updateRecipient(CID, '1', {
						state: 'retry',
						attemptsIncrement: 1,
						nextAttemptAt: T0 + 10,
						errorCode: 130429,
						errorClass: 'throttle',
						errorMessage: 'rate limit',
						expectClaimedBy: 'w1',
						now: T0 + 1,
					}),
				).toBe(true);
				let r = await store.getRecipient(CID, '1');
				expect(r).toMatchObject({ state: 'retry', attempts: 1, nextAttemptAt: T0 + 10, errorCode: 130429, errorClass: 'throttle' });
				expect(r?.claimedBy).toBeUndefined();
				// the claim ended: the same worker cannot write twice
				expect(await store.updateRecipient(CID, '1', { state: 'accepted', expectClaimedBy: 'w1' })).toBe(false);
				await claim('w3', 1, T0 + 10);
				expect(
					await store.updateRecipient(CID, '1', {
						state: 'accepted',
						messageId: 'wamid.1',
						attemptsIncrement: 1,
						nextAttemptAt: null,
						errorCode: null,
						errorClass: null,
						errorMessage: null,
						expectClaimedBy: 'w3',
						now: T0 + 11,
					}),
				).toBe(true);
				r = await store.getRecipient(CID, '1');
				expect(r).toMatchObject({ state: 'accepted', attempts: 2, messageId: 'wamid.1', updatedAt: T0 + 11 });
				expect(r?.nextAttemptAt).toBeUndefined();
				expect(r?.errorCode).toBeUndefined();
				expect(r?.errorMessage).toBeUndefined();
				expect(await store.updateRecipient(CID, 'missing', { state: 'failed' })).toBe(false);
				await expect(store.updateRecipient(CID, '1', { state: 'bogus' as never })).rejects.toThrow(/state/);
			});

			it('listRecipients pages in insertion order with a state filter; nextDueAt; campaignReport', async () => {
				await store.addRecipients(
					CID,
					Array.from({ length: 12 }, (_, i) => ({ waId: `r${i}` })).concat([{ waId: 'skip', skipReason: 'opted out' }] as never),
					T0,
				);
				const seen: string[] = [];
				let cursor: string | undefined;
				do {
					const page = await store.listRecipients(CID, {}, { limit: 5, cursor });
					seen.push(...waIds(page.items));
					cursor = page.next;
				} while (cursor);
				expect(seen).toEqual([...Array.from({ length: 12 }, (_, i) => `r${i}`), 'skip']);

				expect(await store.nextDueAt(CID)).toBeUndefined();
				await claim('w', 4, T0);
				await store.updateRecipient(CID, 'r0', { state: 'retry', nextAttemptAt: T0 + 300, errorCode: 130429 });
				await store.updateRecipient(CID, 'r1', { state: 'deferred', nextAttemptAt: T0 + 200, errorCode: 131049 });
				await store.updateRecipient(CID, 'r2', { state: 'failed', errorCode: 131026 });
				await store.updateRecipient(CID, 'r3', { state: 'failed', errorCode: 131026 });
				expect(await store.nextDueAt(CID)).toBe(T0 + 200);

				const failed = await store.listRecipients(CID, { states: ['failed', 'skipped'] });
				expect(waIds(failed.items)).toEqual(['r2', 'r3', 'skip']);
				expect(failed.next).toBeUndefined();

				const report = await store.campaignReport(CID);
				expect(report).toEqual({
					campaignId: CID,
					total: 13,
					byState: { queued: 8, retry: 1, deferred: 1, failed: 2, skipped: 1 },
					byErrorCode: { '130429': 1, '131049': 1, '131026': 2 },
					deferredByDay: {},
				});
				await expect(store.listRecipients(CID, { states: ['nope' as never] })).rejects.toThrow(/nope/);
			});

			describe('send-time gates, circuit breakers, deferral by status, replies (issue 13)', () => {
				it('gateVersion moves with every opt-out, block, campaign state and number-health change; gateBlocks names the reason per scope', async () => {
					const v0 = await store.gateVersion();
					await store.upsertContacts([{ waId: '491' }, { waId: '492' }, { waId: '493' }], { now: T0 });
					expect(await store.gateVersion()).toBe(v0); // plain upserts don't move it
					await store.setOptOut('491', true, 'keyword:STOP', T0 + 1);
					const v1 = await store.gateVersion();
					expect(v1).toBeGreaterThan(v0);
					await store.setOptOut('491', true, 'keyword:STOP', T0 + 2); // no change, no bump
					expect(await store.gateVersion()).toBe(v1);
					await store.setBlocked('492', true, 'abusive', T0 + 3);
					const v2 = await store.gateVersion();
					expect(v2).toBeGreaterThan(v1);
					await store.upsertContacts([{ waId: '494', optOut: { source: 'import' } }], { now: T0 + 4 });
					const v3 = await store.gateVersion();
					expect(v3).toBeGreaterThan(v2);
					expect(await store.gateBlocks(['491', '492', '493', '494', '999'], 'marketing')).toEqual(
						new Map([
							['491', expect.stringMatching(/^opted out \(keyword:STOP at /)],
							['492', 'blocked (abusive)'],
							['494', expect.stringMatching(/^opted out \(import/)],
						]),
					);
					// utility template under Meta's scope: only the block list applies
					expect([...(await store.gateBlocks(['491', '492', '493'], undefined)).keys()]).toEqual(['492']);
					expect(await store.getContact('492')).toMatchObject({ blocked: true, blockReason: 'abusive', blockedAt: T0 + 3 });
					await store.setBlocked('492', false, 'unblocked', T0 + 5);
					expect((await store.getContact('492'))?.blocked).toBeUndefined();
					expect(await store.gateBlocks(['492'], 'all')).toEqual(new Map());
					await store.setCampaignState(CID, 'paused', 'by user', T0 + 6, 'user');
					const v4 = await store.gateVersion();
					expect(v4).toBeGreaterThan(v3);
					expect(await store.getCampaign(CID)).toMatchObject({ state: 'paused', reason: 'by user', stateBy: 'user', stateAt: T0 + 6 });
					await store.setNumberHealth({ phoneNumberId: 'PN1', displayDigits: '15550001', quality: 'GREEN', messagingLimit: 2000, tier: 'TIER_2K', updatedAt: T0 });
					const v5 = await store.gateVersion();
					expect(v5).toBeGreaterThan(v4);
					await store.setNumberHealth({ phoneNumberId: 'PN1', messagingLimit: 2000, updatedAt: T0 + 1 });
					expect(await store.gateVersion()).toBe(v5);
					expect(await store.getNumberHealth('PN1')).toEqual({
						phoneNumberId: 'PN1',
						displayDigits: '15550001',
						quality: 'GREEN',
						messagingLimit: 2000,
						tier: 'TIER_2K',
						updatedAt: T0 + 1,
					});
				});

				it('applyBreakers: template warnings pause its running campaigns, flagged numbers pause marketing ones, account stops, limit changes', async () => {
					const mk = (id: string, extra: Record<string, unknown>) =>
						store.createCampaign({ id, phoneNumberId: 'PN1', templateName: 'promo_b', templateLanguage: 'en', category: 'MARKETING', wabaId: 'W1', ...extra } as never, T0);
					await mk('m1', { templateId: 'T1' });
					await mk('m2', { templateName: 'other', templateId: 'T2' });
					await mk('u1', { templateName: 'receipt', category: 'UTILITY' });
					await mk('m3', { qualityBreaker: false, templateName: 'x' });
					await store.setNumberHealth({ phoneNumberId: 'PN1', displayDigits: '15550001', updatedAt: T0 });
					const v0 = await store.gateVersion();
					let fx = await store.applyBreakers([{ kind: 'template', templateId: 'T1', templateName: 'promo_b', language: 'en', reason: 'Template promo is PAUSED', by: 'webhook:template_status' }], T0 + 1);
					expect(fx).toEqual([{ campaignId: 'm1', state: 'paused', reason: 'Template promo is PAUSED', by: 'webhook:template_status' }]);
					expect(await store.gateVersion()).toBeGreaterThan(v0);
					expect(await store.getCampaign('m1')).toMatchObject({ state: 'paused', stateBy: 'webhook:template_status', stateAt: T0 + 1 });
					// idempotent: a paused campaign is not touched again
					expect(await store.applyBreakers([{ kind: 'template', templateId: 'T1', reason: 'again', by: 'webhook:template_status' }], T0 + 2)).toEqual([]);
					fx = await store.applyBreakers([{ kind: 'number_quality', displayDigits: '15550001', reason: 'flagged', by: 'webhook:phone_quality' }], T0 + 3);
					expect(fx.map((e) => e.campaignId)).toEqual(['m2']); // not the utility one, not m3 (breaker off)
					fx = await store.applyBreakers([{ kind: 'number_limit', displayDigits: '15550001', messagingLimit: 250, tier: 'TIER_250' }], T0 + 4);
					expect(fx).toEqual([]);
					expect(await store.getNumberHealth('PN1')).toMatchObject({ messagingLimit: 250, tier: 'TIER_250', updatedAt: T0 + 4 });
					fx = await store.applyBreakers([{ kind: 'account', wabaId: 'W1', reason: 'Account ACCOUNT_RESTRICTION', by: 'webhook:account_update' }], T0 + 5);
					expect(fx.map((e) => e.campaignId).sort()).toEqual(['m1', 'm2', 'm3', 'u1']);
					expect((await store.getCampaign('u1'))?.state).toBe('account_stopped');
					// webhook batches carry breakers in the same transaction
					await mk('m4', { templateName: 'promo2', wabaId: 'W2' });
					const res = await store.applyWebhookBatch({
						at: T0 + 6,
						processedKeys: ['k1'],
						inbound: [],
						statuses: [],
						replies: [],
						touches: [],
						breakers: [{ kind: 'template', templateName: 'promo2', reason: 'REJECTED', by: 'webhook:template_status' }],
					});
					expect(res.breakers.map((e) => e.campaignId)).toEqual(['m4']);
				});

				it('a 131049 failed status defers the recipient to the next day up to maxDeferDays, then fails; the report counts days', async () => {
					await store.createCampaign({ id: 'cap', phoneNumberId: 'PN1', maxDeferDays: 2 }, T0);
					await store.addRecipients('cap', [{ waId: '71' }], T0);
					for (let day = 1; day <= 3; day++) {
						const at = T0 + (day - 1) * 2 * DAY;
						await store.claimRecipients({ campaignId: 'cap', workerId: 'w', limit: 1, now: at, leaseMs: 1000 });
						await store.updateRecipient('cap', '71', { state: 'accepted', messageId: `m${day}`, expectClaimedBy: 'w', now: at });
						const r = await store.applyStatus({ messageId: `m${day}`, status: 'failed', at: at + 10, errorCode: 131049, errorMessage: 'healthy ecosystem' });
						if (day <= 2) {
							expect(r).toMatchObject({ state: 'deferred', deferDays: day, nextAttemptAt: at + 10 + DAY, errorCode: 131049, errorClass: 'defer_day' });
							expect(r?.messageId).toBeUndefined();
							expect((await store.campaignReport('cap')).deferredByDay).toEqual({ [String(day)]: 1 });
						} else {
							expect(r).toMatchObject({ state: 'failed', deferDays: 2, errorCode: 131049 });
							expect(r?.errorMessage).toMatch(/still capped after 2 day/);
						}
					}
					expect(await store.nextDueAt('cap')).toBeUndefined();
				});

				it('typed replies: an inbound message attributes a reply to the latest campaign message within the window', async () => {
					await store.createCampaign({ id: 'r1', phoneNumberId: 'PN1' }, T0);
					await store.createCampaign({ id: 'r2', phoneNumberId: 'PN1' }, T0);
					await store.createCampaign({ id: 'r3', phoneNumberId: 'PN2' }, T0);
					const send = async (cid: string, waId: string, at: number) => {
						await store.addRecipients(cid, [{ waId }], at);
						await store.claimRecipients({ campaignId: cid, workerId: 'w', limit: 1, now: at, leaseMs: 1000 });
						await store.markDispatched(cid, [waId], 'w', at);
						await store.updateRecipient(cid, waId, { state: 'accepted', messageId: `${cid}.${waId}`, expectClaimedBy: 'w', now: at });
					};
					await send('r1', '81', T0);
					await send('r2', '81', T0 + HOUR); // the latest campaign message to 81 from PN1
					await send('r3', '81', T0 + 2 * HOUR); // another number
					await send('r1', '82', T0);
					const batch = (inbound: Array<{ phoneNumberId: string; waId: string; at: number }>) =>
						store.applyWebhookBatch({ at: T0, processedKeys: [], inbound, statuses: [], replies: [], touches: [], replyAttributionMs: 72 * HOUR });
					expect((await batch([{ phoneNumberId: 'PN1', waId: '81', at: T0 + 3 * HOUR }])).replies).toBe(1);
					expect((await store.getRecipient('r2', '81'))?.state).toBe('replied');
					expect((await store.getRecipient('r1', '81'))?.state).toBe('accepted');
					expect((await store.getRecipient('r3', '81'))?.state).toBe('accepted');
					// outside the attribution window: no reply
					expect((await batch([{ phoneNumberId: 'PN1', waId: '82', at: T0 + 73 * HOUR }])).replies).toBe(0);
					expect((await store.getRecipient('r1', '82'))?.state).toBe('accepted');
				});

				it("requeueUnresolvedUnknown resends 'unknown' rows only after their quiet time and once a later delivery proved the webhooks", async () => {
					await store.createCampaign({ id: 'uq', phoneNumberId: 'PN1' }, T0);
					await store.addRecipients('uq', [{ waId: '91' }, { waId: '92' }, { waId: '93' }], T0);
					await store.claimRecipients({ campaignId: 'uq', workerId: 'w', limit: 3, now: T0, leaseMs: 10 });
					await store.markDispatched('uq', ['91'], 'w', T0 + 1);
					await store.markDispatched('uq', ['92', '93'], 'w', T0 + 5);
					await store.expireClaims('uq', T0 + 20);
					// no delivery confirmed yet: nothing is resent
					expect(await store.requeueUnresolvedUnknown('uq', T0 + HOUR, T0 + HOUR)).toBe(0);
					// 93's 'delivered' arrives (dispatched after 91, at the same time as 92)
					await store.applyStatus({ messageId: 'wamid.93', status: 'delivered', at: T0 + 30, callbackData: 'uq|93' });
					expect(await store.requeueUnresolvedUnknown('uq', T0, T0 + HOUR)).toBe(0); // quiet time not over
					expect(await store.requeueUnresolvedUnknown('uq', T0 + HOUR, T0 + HOUR)).toBe(1);
					expect(await store.getRecipient('uq', '91')).toMatchObject({ state: 'retry', nextAttemptAt: T0 + HOUR });
					expect((await store.getRecipient('uq', '92'))?.state).toBe('unknown');
				});
			});

			describe('status webhooks', () => {
				beforeEach(async () => {
					await store.addRecipients(CID, ['1', '2', '3'].map((waId) => ({ waId })), T0);
					await claim('w', 3, T0);
					for (const w of ['1', '2', '3']) {
						await store.updateRecipient(CID, w, { state: 'accepted', messageId: `wamid.${w}`, expectClaimedBy: 'w', now: T0 });
					}
				});

				it('apply monotonically: accepted < delivered < read < replied', async () => {
					expect(await store.applyStatus({ messageId: 'wamid.1', status: 'delivered', at: T0 + 1 })).toMatchObject({
						state: 'delivered',
						updatedAt: T0 + 1,
					});
					expect((await store.applyStatus({ messageId: 'wamid.1', status: 'sent', at: T0 + 2 }))?.state).toBe('delivered');
					expect((await store.applyStatus({ messageId: 'wamid.1', status: 'read', at: T0 + 3 }))?.state).toBe('read');
					expect((await store.applyStatus({ messageId: 'wamid.1', status: 'delivered', at: T0 + 4 }))?.state).toBe('read');
					expect((await store.applyStatus({ messageId: 'wamid.2', status: 'played', at: T0 + 4 }))?.state).toBe('read');
					expect(await store.markReplied('wamid.1', T0 + 5)).toMatchObject({ state: 'replied' });
					expect((await store.applyStatus({ messageId: 'wamid.1', status: 'read', at: T0 + 6 }))?.state).toBe('replied');
					expect(await store.applyStatus({ messageId: 'wamid.none', status: 'read', at: T0 })).toBeUndefined();
					expect(await store.markReplied('wamid.none', T0)).toBeUndefined();
				});

				it("'failed' replaces only sending/accepted/unknown", async () => {
					expect(
						await store.applyStatus({ messageId: 'wamid.1', status: 'failed', at: T0 + 1, errorCode: 131026, errorMessage: 'undeliverable' }),
					).toMatchObject({ state: 'failed', errorCode: 131026, errorMessage: 'undeliverable' });
					await store.applyStatus({ messageId: 'wamid.2', status: 'delivered', at: T0 + 1 });
					expect((await store.applyStatus({ messageId: 'wamid.2', status: 'failed', at: T0 + 2, errorCode: 1 }))?.state).toBe('delivered');
					expect((await store.getRecipient(CID, '2'))?.errorCode).toBeUndefined();
					// a failed row is closed: later delivery statuses don't reopen it
					expect((await store.applyStatus({ messageId: 'wamid.1', status: 'delivered', at: T0 + 3 }))?.state).toBe('failed');
					expect((await store.markReplied('wamid.1', T0 + 4))?.state).toBe('failed');
				});

				it('applyStatuses applies a whole request in order', async () => {
					const out = await store.applyStatuses([
						{ messageId: 'wamid.3', status: 'read', at: T0 + 3 },
						{ messageId: 'wamid.3', status: 'delivered', at: T0 + 2 },
						{ messageId: 'wamid.2', status: 'sent', at: T0 + 1 },
						{ messageId: 'wamid.2', status: 'delivered', at: T0 + 2 },
						{ messageId: 'other', status: 'sent', at: T0 },
					]);
					expect(out.map((r) => r?.state)).toEqual(['read', 'read', 'accepted', 'delivered', undefined]);
					expect(await store.applyStatuses([])).toEqual([]);
				});

				it("resolves an 'unknown' row by callbackData and stores the messageId", async () => {
					await store.addRecipients(CID, [{ waId: '4' }, { waId: '5' }], T0);
					await claim('w', 2, T0, 10);
					await store.markDispatched(CID, ['4', '5'], 'w', T0 + 1);
					expect(await store.expireClaims(CID, T0 + 10)).toEqual({ unknown: 2, requeued: 0 });
					const r = await store.applyStatus({ messageId: 'wamid.4', status: 'delivered', at: T0 + 20, callbackData: `${CID}|4` });
					expect(r).toMatchObject({ waId: '4', state: 'delivered', messageId: 'wamid.4' });
					expect(r?.claimedBy).toBeUndefined();
					// later statuses match by messageId
					expect((await store.applyStatus({ messageId: 'wamid.4', status: 'read', at: T0 + 30 }))?.state).toBe('read');
					// an 'unknown' row that failed at Meta
					expect(
						await store.applyStatus({ messageId: 'wamid.5', status: 'failed', at: T0 + 20, callbackData: `${CID}|5`, errorCode: 131026 }),
					).toMatchObject({ state: 'failed', messageId: 'wamid.5', errorCode: 131026 });
					// callbackData never rewrites a row that already has another message id
					expect(await store.applyStatus({ messageId: 'wamid.x', status: 'read', at: T0, callbackData: `${CID}|1` })).toBeUndefined();
					expect((await store.getRecipient(CID, '1'))?.messageId).toBe('wamid.1');
					expect(await store.applyStatus({ messageId: 'wamid.y', status: 'read', at: T0, callbackData: 'garbage' })).toBeUndefined();
				});

				it("a status that beats the worker's own write resolves the 'sending' row, and the late write cannot regress it", async () => {
					await store.addRecipients(CID, [{ waId: '6' }], T0);
					await claim('w6', 1, T0, 60_000);
					const r = await store.applyStatus({ messageId: 'wamid.6', status: 'delivered', at: T0 + 1, callbackData: `${CID}|6` });
					expect(r).toMatchObject({ state: 'delivered', messageId: 'wamid.6' });
					// the worker's 'accepted' write arrives after the webhook: the claim is gone, nothing changes
					expect(await store.updateRecipient(CID, '6', { state: 'accepted', messageId: 'wamid.6', expectClaimedBy: 'w6', now: T0 + 2 })).toBe(false);
					expect((await store.getRecipient(CID, '6'))?.state).toBe('delivered');
				});
			});
		});

		// ───────────── windows ─────────────

		describe('conversation windows', () => {
			it('keeps the latest inbound per (phoneNumberId, waId) and the referral start', async () => {
				expect(await store.getWindow('pn', '100')).toBeUndefined();
				await store.recordInbound([
					{ phoneNumberId: 'pn', waId: '100', at: T0 + 10 },
					{ phoneNumberId: 'pn', waId: '100', at: T0 + 5 },
					{ phoneNumberId: 'pn2', waId: '100', at: T0 + 1, referral: true },
				]);
				expect(await store.getWindow('pn', '100')).toEqual({ phoneNumberId: 'pn', waId: '100', lastInboundAt: T0 + 10 });
				expect(await store.getWindow('pn2', '100')).toEqual({ phoneNumberId: 'pn2', waId: '100', lastInboundAt: T0 + 1, freeEntryPointAt: T0 + 1 });
				await store.recordInbound([{ phoneNumberId: 'pn', waId: '100', at: T0 + 20, referral: true }]);
				await store.recordInbound([{ phoneNumberId: 'pn', waId: '100', at: T0 + 30 }]);
				expect(await store.getWindow('pn', '100')).toEqual({ phoneNumberId: 'pn', waId: '100', lastInboundAt: T0 + 30, freeEntryPointAt: T0 + 20 });
				await expect(store.recordInbound([{ phoneNumberId: 'pn', waId: '100', at: 'now' as never }])).rejects.toThrow(/Inbound #0/);
			});
		});

		// ───────────── budget ─────────────

		describe('rolling 24 h recipient budget', () => {
			it('counts unique recipients, charges a repeat nothing, refuses when full with availableAt', async () => {
				expect(await store.reserveBudget('wa', '1', 2, T0)).toEqual({ ok: true, used: 1, charged: true });
				expect(await store.reserveBudget('wa', '1', 2, T0 + HOUR)).toEqual({ ok: true, used: 1, charged: false });
				expect(await store.reserveBudget('wa', '2', 2, T0 + 2 * HOUR)).toEqual({ ok: true, used: 2, charged: true });
				expect(await store.reserveBudget('wa', '3', 2, T0 + 3 * HOUR)).toEqual({ ok: false, used: 2, availableAt: T0 + DAY, charged: false });
				// already-counted recipients still pass when full
				expect((await store.reserveBudget('wa', '2', 2, T0 + 3 * HOUR)).ok).toBe(true);
				// other portfolios are separate
				expect((await store.reserveBudget('other', '3', 2, T0 + 3 * HOUR)).ok).toBe(true);
				expect(await store.budgetUsed('wa', T0 + 3 * HOUR)).toBe(2);
				// exactly 24 h later the first slot is free again
				expect(await store.budgetUsed('wa', T0 + DAY)).toBe(1);
				expect(await store.reserveBudget('wa', '3', 2, T0 + DAY)).toEqual({ ok: true, used: 2, charged: true });
				// recipient 1 is counted anew after its 24 h
				expect(await store.reserveBudget('wa', '1', 2, T0 + DAY + 1)).toEqual({ ok: false, used: 2, availableAt: T0 + 2 * HOUR + DAY, charged: false });
				expect(await store.reserveBudget('wa', '1', 3, T0 + DAY + 1)).toEqual({ ok: true, used: 3, charged: true });
			});

			it('releaseBudget gives a slot back', async () => {
				await store.reserveBudget('wa', '1', 1, T0);
				expect((await store.reserveBudget('wa', '2', 1, T0 + 1)).ok).toBe(false);
				await store.releaseBudget('wa', '1', T0 + 2);
				expect(await store.budgetUsed('wa', T0 + 2)).toBe(0);
				expect(await store.reserveBudget('wa', '2', 1, T0 + 3)).toEqual({ ok: true, used: 1, charged: true });
				expect((await store.reserveBudget('wa', '9', 0, T0)).ok).toBe(false);
			});
		});

		// ───────────── shared arrival bounds (one pace per number across workers) ─────────────

		describe('shared arrival bounds (bookArrival)', () => {
			const pace = (over: Partial<ArrivalBooking> = {}): ArrivalBooking => ({
				ratePerS: 10,
				toleranceMs: 0,
				windowCount: 100,
				windowMs: 1000,
				at: T0,
				maxAheadMs: 10_000,
				keepMs: 5000,
				...over,
			});

			it('books an even schedule: one slot per interval, idle time is not made up beyond the tolerance', async () => {
				expect(await store.bookArrival('pn', pace())).toEqual({ seq: 1, at: T0 });
				expect(await store.bookArrival('pn', pace())).toEqual({ seq: 2, at: T0 + 100 });
				expect(await store.bookArrival('pn', pace({ at: T0 + 50 }))).toEqual({ seq: 3, at: T0 + 200 });
				// Behind the schedule (next slot T0 + 300): the slot is the time asked for.
				expect(await store.bookArrival('pn', pace({ at: T0 + 1000 }))).toEqual({ seq: 4, at: T0 + 1000 });
				// Next slot T0 + 1100; with 30 ms of tolerance a slot may come that much earlier.
				expect(await store.bookArrival('pn', pace({ at: T0 + 1000, toleranceMs: 30 }))).toEqual({ seq: 5, at: T0 + 1070 });
				// Another key has its own schedule and ids.
				expect(await store.bookArrival('other', pace({ at: T0 + 1000 }))).toEqual({ seq: 1, at: T0 + 1000 });
			});

			it('≤ windowCount arrivals in any windowMs: the next slot waits for the windowCount-th latest + windowMs', async () => {
				const fast = (over: Partial<ArrivalBooking> = {}) => pace({ ratePerS: 1000, windowCount: 3, ...over });
				expect((await store.bookArrival('pn', fast())).at).toBe(T0);
				expect((await store.bookArrival('pn', fast())).at).toBe(T0 + 1);
				expect((await store.bookArrival('pn', fast())).at).toBe(T0 + 2);
				// Beyond maxAheadMs: the slot is only a hint, nothing is booked.
				expect(await store.bookArrival('pn', fast({ at: T0 + 3, maxAheadMs: 10 }))).toEqual({ seq: -1, at: T0 + 1000 });
				expect(await store.bookArrival('pn', fast({ at: T0 + 990, maxAheadMs: 10 }))).toEqual({ seq: 4, at: T0 + 1000 });
				expect(await store.bookArrival('pn', fast({ at: T0 + 990 }))).toEqual({ seq: 5, at: T0 + 1001 });
			});

			it('raises move earlier arrival bounds up (never down) before the slot is planned', async () => {
				const two = (over: Partial<ArrivalBooking> = {}) => pace({ ratePerS: 1000, windowCount: 2, ...over });
				expect(await store.bookArrival('pn', two())).toEqual({ seq: 1, at: T0 });
				expect(await store.bookArrival('pn', two())).toEqual({ seq: 2, at: T0 + 1 });
				// Send 1 arrived at T0 + 500 at the latest: the 2nd latest is now send 2 (T0 + 1).
				expect(await store.bookArrival('pn', two({ raises: [{ seq: 1, at: T0 + 500 }] }))).toEqual({ seq: 3, at: T0 + 1001 });
				// A lower bound for send 1 changes nothing (2nd latest of 500, 1, 1001 is 500); unknown ids are ignored.
				expect(
					await store.bookArrival(
						'pn',
						two({
							raises: [
								{ seq: 1, at: T0 + 100 },
								{ seq: 99, at: T0 + 5000 },
							],
						}),
					),
				).toEqual({ seq: 4, at: T0 + 1500 });
				// A raise of another key's booking does not touch this key.
				await store.bookArrival('other', two({ raises: [{ seq: 2, at: T0 + 4000 }] }));
				expect((await store.bookArrival('pn', two({ at: T0 + 1500 }))).at).toBe(T0 + 2001);
			});

			it('concurrent bookings get distinct ids and never more than windowCount slots in any windowMs', async () => {
				const grants = await Promise.all(
					Array.from({ length: 40 }, () => store.bookArrival('pn', pace({ ratePerS: 1000, windowCount: 5, maxAheadMs: 1e9 }))),
				);
				expect(new Set(grants.map((g) => g.seq)).size).toBe(40);
				expect(grants.map((g) => g.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
				const slots = grants.map((g) => g.at).sort((a, b) => a - b);
				for (let i = 0; i + 5 < slots.length; i++) expect(slots[i + 5] - slots[i]).toBeGreaterThanOrEqual(1000);
			});

			it('rejects bad bookings with the field named', async () => {
				await expect(store.bookArrival('pn', pace({ windowCount: 0 }))).rejects.toThrow(/windowCount/);
				await expect(store.bookArrival('pn', pace({ ratePerS: 0 }))).rejects.toThrow(/ratePerS/);
				await expect(store.bookArrival('pn', pace({ raises: [{ seq: 0, at: T0 }] }))).rejects.toThrow(/raises\[0\]\.seq/);
				await expect(store.bookArrival('', pace())).rejects.toThrow(/key/);
			});
		});

		// ───────────── dedup ─────────────

		describe('webhook de-duplication', () => {
			it('is true the first time only, also within one batch, and remembers for 7 days', async () => {
				expect(await store.markProcessed('a', T0)).toBe(true);
				expect(await store.markProcessed('a', T0 + 1)).toBe(false);
				expect(await store.markProcessedMany(['b', 'a', 'c', 'b'], T0 + 2)).toEqual([true, false, true, false]);
				expect(await store.markProcessedMany([], T0)).toEqual([]);
				// a write long after the others (may prune) still remembers keys younger than 7 days
				expect(await store.markProcessed('d', T0 + 6 * DAY)).toBe(true);
				expect(await store.markProcessedMany(['a', 'b', 'd'], T0 + 6 * DAY + 1)).toEqual([false, false, false]);
			});
		});

		describe('one webhook request in one transaction (applyWebhookBatch)', () => {
			const CID = 'cmp-batch';
			beforeEach(async () => {
				await store.createCampaign({ id: CID, phoneNumberId: 'pn' }, T0);
				await store.addRecipients(CID, [{ waId: '1' }, { waId: '2' }], T0);
				await store.claimRecipients({ campaignId: CID, workerId: 'w', limit: 2, now: T0, leaseMs: 60_000 });
				for (const w of ['1', '2']) await store.updateRecipient(CID, w, { state: 'accepted', messageId: `wamid.${w}`, expectClaimedBy: 'w', now: T0 });
			});

			it('writes windows, statuses, replies, contact activity and dedup keys together', async () => {
				const out = await store.applyWebhookBatch({
					at: T0 + 10,
					processedKeys: ['k1', 'k2', 'k1'],
					inbound: [{ phoneNumberId: 'pn', waId: '1', at: T0 + 5, referral: true }],
					statuses: [{ messageId: 'wamid.2', status: 'delivered', at: T0 + 6 }],
					replies: [{ messageId: 'wamid.1', at: T0 + 5 }],
					touches: [{ waId: '1', at: T0 + 5, name: 'Ana' }],
				});
				expect(out.fresh).toEqual([true, true, false]);
				expect(await store.getWindow('pn', '1')).toMatchObject({ lastInboundAt: T0 + 5, freeEntryPointAt: T0 + 5 });
				expect((await store.getRecipient(CID, '2'))?.state).toBe('delivered');
				expect((await store.getRecipient(CID, '1'))?.state).toBe('replied');
				expect(await store.getContact('1')).toMatchObject({ name: 'Ana', lastActiveAt: T0 + 5 });
				// a redelivery of the same request: nothing new, nothing goes backwards
				const again = await store.applyWebhookBatch({ at: T0 + 20, processedKeys: ['k1', 'k2'], inbound: [], statuses: [{ messageId: 'wamid.2', status: 'sent', at: T0 + 7 }], replies: [], touches: [] });
				expect(again.fresh).toEqual([false, false]);
				expect((await store.getRecipient(CID, '2'))?.state).toBe('delivered');
			});

			it('is all or nothing: a bad entry leaves no dedup key and no window behind', async () => {
				await expect(
					store.applyWebhookBatch({
						at: T0 + 10,
						processedKeys: ['k-atomic'],
						inbound: [{ phoneNumberId: 'pn', waId: '7', at: T0 + 5 }],
						statuses: [{ messageId: 'wamid.1', status: 'read', at: Number.NaN }],
						replies: [],
						touches: [],
					}),
				).rejects.toThrow();
				expect(await store.getWindow('pn', '7')).toBeUndefined();
				expect(await store.markProcessed('k-atomic', T0 + 11)).toBe(true);
				expect((await store.getRecipient(CID, '1'))?.state).toBe('accepted');
			});
		});

		it('names its backend', () => {
			expect(['sqlite', 'postgres']).toContain(store.backend);
		});
	});
}
