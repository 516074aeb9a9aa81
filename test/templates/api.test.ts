/** core/templates/api.ts against an in-memory Graph double (the simulator-backed runs are in WhatsAppTemplates.node.test.ts). */
import type { GraphRequest } from '../../core/graph/client';
import {
	StoredTemplate,
	TemplateGraph,
	deleteTemplate,
	getTemplateByName,
	listTemplates,
	searchTemplateLanguages,
	isTemplateLanguage,
	uploadTemplateSample,
	waitForReview,
} from '../../core/templates';

function fakeGraph(pages: StoredTemplate[][], handler?: (req: GraphRequest) => unknown) {
	const requests: GraphRequest[] = [];
	const client: TemplateGraph = {
		async request<T>(req: GraphRequest): Promise<T> {
			requests.push(req);
			return handler?.(req) as T;
		},
		async *paginate<T>(path: string, query: Record<string, unknown> = {}) {
			requests.push({ method: 'GET', path, query: query as GraphRequest['query'] });
			for (const page of pages) for (const t of page) yield t as unknown as T;
		},
	} as TemplateGraph;
	return { client, requests };
}

const t = (id: string, name: string, language: string, status = 'APPROVED', category = 'UTILITY'): StoredTemplate => ({
	id,
	name,
	language,
	status,
	category,
	components: [{ type: 'BODY', text: 'Hi.' }],
});

describe('listTemplates', () => {
	const data = [[t('1', 'order_update', 'en_US'), t('2', 'order_update', 'de', 'PENDING')], [t('3', 'promo_spring', 'en_US', 'REJECTED', 'MARKETING'), t('4', 'promo_summer', 'en_US')]];

	it('sends the filters as query parameters and re-applies them', async () => {
		const { client, requests } = fakeGraph(data);
		const result = await listTemplates(client, 'WABA', { status: ['approved'], language: 'en_US', nameContains: 'PROMO' });
		expect(result.map((x) => x.id)).toEqual(['4']);
		expect(requests[0].path).toBe('/WABA/message_templates');
		expect(requests[0].query).toMatchObject({ status: 'APPROVED', language: 'en_US', name_or_content: 'promo' });
	});

	it('stops at the limit, or returns everything', async () => {
		expect((await listTemplates(fakeGraph(data).client, 'W', { limit: 3 })).map((x) => x.id)).toEqual(['1', '2', '3']);
		expect(await listTemplates(fakeGraph(data).client, 'W', {})).toHaveLength(4);
		expect(await listTemplates(fakeGraph(data).client, 'W', { category: 'MARKETING' })).toHaveLength(1);
	});
});

describe('getTemplateByName / delete / upload', () => {
	it('matches name and language exactly', async () => {
		const { client } = fakeGraph([[t('1', 'order_update', 'en_US'), t('2', 'order_update', 'de')]]);
		expect((await getTemplateByName(client, 'W', 'order_update', 'de')).id).toBe('2');
		await expect(getTemplateByName(client, 'W', 'order_update', 'fr')).rejects.toThrow(/No template named "order_update" in language fr/);
	});

	it('deletes by name, or one language by hsm_id', async () => {
		const { client, requests } = fakeGraph([], () => ({ success: true }));
		await deleteTemplate(client, 'W', { name: 'order_update' });
		await deleteTemplate(client, 'W', { name: 'order_update', templateId: '2' });
		expect(requests.map((r) => [r.method, r.path, r.query])).toEqual([
			['DELETE', '/W/message_templates', { name: 'order_update', hsm_id: undefined }],
			['DELETE', '/W/message_templates', { name: 'order_update', hsm_id: '2' }],
		]);
	});

	it('resumable upload: session, then bytes with file_offset 0 → handle', async () => {
		const { client, requests } = fakeGraph([], (req) => (req.path === '/APP/uploads' ? { id: 'upload:abc' } : { h: '4::handle' }));
		const handle = await uploadTemplateSample(client, { appId: 'APP', data: Buffer.from('jpegbytes'), fileType: 'image/jpeg', fileName: 'a.jpg', accessToken: 'tok' });
		expect(handle).toBe('4::handle');
		expect(requests[0]).toMatchObject({ method: 'POST', path: '/APP/uploads', query: { file_length: 9, file_type: 'image/jpeg', file_name: 'a.jpg' } });
		expect(requests[1]).toMatchObject({ method: 'POST', path: '/upload:abc', headers: { file_offset: '0', Authorization: 'OAuth tok' } });
		expect(requests[1].data?.toString()).toBe('jpegbytes');
		await expect(uploadTemplateSample(client, { appId: 'APP', data: Buffer.alloc(0), fileType: 'image/jpeg' })).rejects.toThrow(/empty/);
	});
});

describe('waitForReview', () => {
	it('polls until the status leaves PENDING', async () => {
		const statuses = ['PENDING', 'PENDING', 'APPROVED'];
		const { client } = fakeGraph([], () => ({ ...t('9', 'x', 'en'), status: statuses.shift() }));
		let clock = 0;
		const outcome = await waitForReview(client, '9', { intervalMs: 1000, timeoutMs: 60_000, now: () => clock, sleep: async (ms) => void (clock += ms) });
		expect(outcome).toMatchObject({ status: 'APPROVED', done: true, timedOut: false, polls: 3, elapsedMs: 2000 });
	});

	it('reports REJECTED with its reason, and a timeout', async () => {
		const rejected = fakeGraph([], () => ({ ...t('9', 'x', 'en'), status: 'REJECTED', rejected_reason: 'INVALID_FORMAT' }));
		expect(await waitForReview(rejected.client, '9', { intervalMs: 10, timeoutMs: 100, sleep: async () => undefined })).toMatchObject({
			status: 'REJECTED',
			rejectedReason: 'INVALID_FORMAT',
		});
		const pending = fakeGraph([], () => ({ ...t('9', 'x', 'en'), status: 'PENDING' }));
		let clock = 0;
		const outcome = await waitForReview(pending.client, '9', { intervalMs: 1000, timeoutMs: 3500, now: () => clock, sleep: async (ms) => void (clock += ms) });
		// polls at 0, 1, 2, 3 s; the next one (4 s) would pass the 3.5 s timeout
		expect(outcome).toMatchObject({ status: 'PENDING', done: false, timedOut: true, polls: 4, elapsedMs: 3000 });
	});
});

describe('languages', () => {
	it('knows Meta codes and searches by code or name', () => {
		expect(isTemplateLanguage('pt_BR')).toBe(true);
		expect(isTemplateLanguage('pt-BR')).toBe(false);
		expect(searchTemplateLanguages('german').map((l) => l.code)).toEqual(['de', 'de_AT', 'de_CH']);
		expect(searchTemplateLanguages('en_us')[0].code).toBe('en_US');
		expect(searchTemplateLanguages('').length).toBeGreaterThan(70);
	});
});
