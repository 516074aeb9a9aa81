/**
 * Send Message with a binary media upload, through workflow executions (test/harness) against the
 * simulator: an item's binary property → `POST /{phone}/media` (multipart file, type,
 * messaging_product; cloud-api.md §2 "Media upload") → the message carries the returned media id.
 * A recording proxy between the node and the simulator keeps the exact requests.
 * Bad cases fail before any upload: a missing binary property (the error names the item and the
 * property), a MIME type or a size Meta does not take (cloud-api.md §2: image 5 MB jpeg/png,
 * sticker webp 100 KB static / 500 KB animated).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { createSimulator, DEFAULT_PHONE_NUMBERS, DEFAULT_WABA_ID } from '../../simulator';
import type { RunningSimulator, Simulator } from '../../simulator';
import { openStore } from '../../core/store';
import type { Store } from '../../core/store/types';
import { WhatsAppCampaign } from '../../nodes/WhatsAppCampaign/WhatsAppCampaign.node';
import { closeAllStores } from '../../nodes/shared/store';
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import { jsonOf, runNode, runWorkflow, useFilesystemBinaryData } from '../harness';
import { tmpDb } from '../helpers/campaignFixtures';
import { webp } from '../helpers/media';

const PHONE = DEFAULT_PHONE_NUMBERS[0].id;
const TO = '4915100000777';
const TO2 = '4915100000778';

interface Recorded {
	method: string;
	path: string;
	contentType: string;
	body: Buffer;
}

let sim: Simulator;
let running: RunningSimulator;
let proxy: http.Server;
let proxyUrl: string;
let recorded: Recorded[];
let dbPath: string;
let store: Store;

/** Forwards every request to the simulator and keeps a copy of it. */
function startProxy(target: string): Promise<void> {
	proxy = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			recorded.push({ method: req.method ?? 'GET', path: (req.url ?? '').split('?')[0], contentType: String(req.headers['content-type'] ?? ''), body });
			const headers: Record<string, string> = {};
			for (const [k, v] of Object.entries(req.headers)) {
				if (typeof v === 'string' && !['host', 'content-length', 'connection', 'transfer-encoding'].includes(k)) headers[k] = v;
			}
			fetch(target + req.url, { method: req.method, headers, body: body.length ? body : undefined })
				.then(async (r) => {
					res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
					res.end(Buffer.from(await r.arrayBuffer()));
				})
				.catch((error: Error) => {
					res.writeHead(502);
					res.end(error.message);
				});
		});
	});
	return new Promise((resolve) =>
		proxy.listen(0, '127.0.0.1', () => {
			proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
			resolve();
		}),
	);
}

const creds = () => ({
	whatsAppCloudApi: { accessToken: 'sim-token', businessAccountId: DEFAULT_WABA_ID, phoneNumberId: PHONE, baseUrl: proxyUrl, apiVersion: 'v23.0' },
	whatsAppCloudStoreApi: { backend: 'sqlite', path: dbPath },
});
const node = new WhatsAppCampaign();

const uploads = () => recorded.filter((r) => r.method === 'POST' && r.path.endsWith(`/${PHONE}/media`));
const sends = () => recorded.filter((r) => r.method === 'POST' && /\/(marketing_)?messages$/.test(r.path) && r.path.includes(`/${PHONE}/`)).map((r) => JSON.parse(r.body.toString('utf8')) as Record<string, any>);

/** The multipart upload as the simulator received it. */
async function uploadForm(r: Recorded): Promise<{ product: unknown; type: unknown; file: File }> {
	const form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': r.contentType }, body: r.body }).formData();
	return { product: form.get('messaging_product'), type: form.get('type'), file: form.get('file') as File };
}

/** A few bytes that start like the real format (the checks go by MIME type and size). */
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('fake png body for the parcel photo')]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');


function withBinary(json: IDataObject, binary: Record<string, { bytes: Buffer; mimeType: string; fileName?: string }>): INodeExecutionData {
	return {
		json,
		binary: Object.fromEntries(Object.entries(binary).map(([k, v]) => [k, { data: v.bytes.toString('base64'), mimeType: v.mimeType, ...(v.fileName ? { fileName: v.fileName } : {}) }])),
	};
}

const mediaParams = (messageType: string, extra: IDataObject = {}): IDataObject => ({
	operation: 'sendMessage',
	phoneNumber: { mode: 'id', value: PHONE },
	to: '={{ $json.to }}',
	messageType,
	mediaSource: 'binary',
	binaryProperty: 'data',
	...extra,
});

/** Manual trigger → WhatsApp Campaign (Send Message), as workflow JSON. */
function runSend(parameters: IDataObject, inputItems: INodeExecutionData[], node: Record<string, unknown> = {}) {
	return runWorkflow({
		nodes: [
			{ name: 'When clicking Execute', type: 'n8n-nodes-base.manualTrigger' },
			{ name: 'Send media', type: 'n8n-nodes-whatsapp-cloud.whatsAppCampaign', parameters, ...node },
		],
		connections: { 'When clicking Execute': { main: [[{ node: 'Send media', type: 'main', index: 0 }]] } },
		credentials: creds(),
		inputItems,
	});
}

beforeEach(async () => {
	recorded = [];
	sim = createSimulator({ latencyMs: 1, seed: 5 });
	running = await sim.start();
	await startProxy(running.url);
	dbPath = tmpDb();
	store = await openStore({ backend: 'sqlite', path: dbPath });
	// The customer wrote in a minute ago: the 24 h window is open in the store and in the simulator.
	for (const waId of [TO, TO2]) {
		await store.recordInbound([{ phoneNumberId: PHONE, waId, at: Date.now() - 60_000 }]);
		await fetch(`${running.url}/_sim/inbound`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: waId, text: 'where is my parcel?' }) });
	}
});
afterEach(async () => {
	await closeAllStores();
	await store.close();
	await new Promise((r) => proxy.close(r));
	await running.stop();
});

it('image from a binary property: uploaded (bytes, MIME type, file name), then sent with the returned media id and the caption', async () => {
	const r = await runSend(mediaParams('image', { binaryProperty: 'photo', caption: 'Your parcel' }), [
		withBinary({ to: `+${TO}` }, { photo: { bytes: PNG, mimeType: 'image/png', fileName: 'parcel.png' } }),
	]);
	expect(r.status).toBe('success');
	const out = jsonOf(r.outputs['Send media'][0]);
	expect(out).toEqual([{ messageId: expect.stringMatching(/^wamid\./), to: TO, waId: TO, type: 'image', recontact: false }]);

	expect(uploads()).toHaveLength(1);
	const form = await uploadForm(uploads()[0]);
	expect(form.product).toBe('whatsapp');
	expect(form.type).toBe('image/png');
	expect(form.file.name).toBe('parcel.png');
	expect(Buffer.from(await form.file.arrayBuffer())).toEqual(PNG);

	// The simulator stored exactly these bytes under one media id, and the message refers to it.
	const media = [...sim.state.media.items.values()];
	expect(media).toHaveLength(1);
	expect(media[0]).toMatchObject({ phoneId: PHONE, mime: 'image/png' });
	expect(media[0].data.equals(PNG)).toBe(true);
	expect(sends()).toEqual([{ messaging_product: 'whatsapp', recipient_type: 'individual', to: TO, type: 'image', image: { id: media[0].id, caption: 'Your parcel' } }]);
	const logged = sim.state.messages.find((m) => m.id === out[0].messageId);
	expect(logged).toMatchObject({ to: TO, type: 'image', status: expect.any(String) });
});

it('document: the multipart file name and the message file name are the binary file name unless File Name is set', async () => {
	const r = await runSend(mediaParams('document', { filename: '={{ $json.filename }}' }), [
		withBinary({ to: `+${TO}` }, { data: { bytes: PDF, mimeType: 'application/pdf', fileName: 'invoice-42.pdf' } }),
		// A second recipient: Meta's pair rate allows one message per recipient every 6 s (cloud-api.md §5).
		withBinary({ to: `+${TO2}`, filename: 'Rechnung Mai.pdf' }, { data: { bytes: Buffer.concat([PDF, Buffer.from('%2')]), mimeType: 'application/pdf', fileName: 'r-2.pdf' } }),
	]);
	expect(r.error).toBeUndefined();
	const out = r.outputs['Send media'][0];
	expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	expect(jsonOf(out).map((o) => o.type)).toEqual(['document', 'document']);

	const forms = await Promise.all(uploads().map(uploadForm));
	expect(forms.map((f) => [f.type, f.file.name, f.file.size])).toEqual([
		['application/pdf', 'invoice-42.pdf', PDF.length],
		['application/pdf', 'r-2.pdf', PDF.length + 2],
	]);
	const ids = [...sim.state.media.items.keys()];
	expect(ids).toHaveLength(2);
	// Each item's message refers to its own upload.
	expect(sends().map((s) => s.document)).toEqual([
		{ id: ids[0], filename: 'invoice-42.pdf' },
		{ id: ids[1], filename: 'Rechnung Mai.pdf' },
	]);
	expect(sim.state.media.items.get(ids[1])?.data.equals(Buffer.concat([PDF, Buffer.from('%2')]))).toBe(true);
});

it('a missing binary property fails with an error naming the item and the property; nothing is uploaded for it', async () => {
	const input = [
		withBinary({ to: `+${TO}` }, { photo: { bytes: PNG, mimeType: 'image/png', fileName: 'a.png' } }),
		withBinary({ to: `+${TO}` }, { attachment: { bytes: PNG, mimeType: 'image/png', fileName: 'b.png' } }),
		{ json: { to: `+${TO}` } },
	];
	// Continue on fail: item 0 is sent, items 1 and 2 carry their error.
	const r = await runSend(mediaParams('image', { binaryProperty: 'photo' }), input, { continueOnFail: true });
	const out = jsonOf(r.outputs['Send media'][0]);
	expect(out[0]).toMatchObject({ type: 'image', messageId: expect.stringMatching(/^wamid\./) });
	expect(out[1].error).toBe('Item 1: no binary property "photo" (the item has "attachment")');
	expect(out[2].error).toBe('Item 2: no binary property "photo" (the item has no binary data)');
	expect(uploads()).toHaveLength(1);
	expect(sends()).toHaveLength(1);

	// Without it the execution stops at item 1 with the same message.
	recorded = [];
	const failed = await runSend(mediaParams('image', { binaryProperty: 'photo' }), input.slice(1));
	expect(failed.status).toBe('error');
	expect(failed.nodeErrors['Send media']?.message).toBe('Item 0: no binary property "photo" (the item has "attachment")');
	expect(uploads()).toHaveLength(0);
});

it('a MIME type WhatsApp does not take for the message type fails before the upload', async () => {
	const gif = withBinary({ to: `+${TO}` }, { data: { bytes: Buffer.from('GIF89a....'), mimeType: 'image/gif', fileName: 'party.gif' } });
	const r = await runNode(node, mediaParams('image'), [gif], creds());
	expect(r.nodeError?.message).toBe('Item 0, binary property "data" (party.gif) is image/gif, which WhatsApp does not take for image messages (allowed: image/jpeg, image/png)');
	const pdfAsVideo = withBinary({ to: `+${TO}` }, { data: { bytes: PDF, mimeType: 'application/pdf', fileName: 'x.pdf' } });
	const v = await runNode(node, mediaParams('video'), [pdfAsVideo], creds());
	expect(v.nodeError?.message).toMatch(/^Item 0, binary property "data" \(x\.pdf\) is application\/pdf, which WhatsApp does not take for video messages \(allowed: video\/mp4, video\/3gpp\)$/);
	expect(uploads()).toHaveLength(0);
	expect(sim.state.media.items.size).toBe(0);
	expect(sends()).toHaveLength(0);
});

it("files over Meta's size caps fail before the upload: image 5 MB, static sticker 100 KB (animated 500 KB)", async () => {
	const big = Buffer.alloc(5 * 1024 * 1024 + 1, 1);
	const r = await runNode(node, mediaParams('image'), [withBinary({ to: `+${TO}` }, { data: { bytes: big, mimeType: 'image/jpeg', fileName: 'huge.jpg' } })], creds());
	expect(r.nodeError?.message).toBe('Item 0, binary property "data" (huge.jpg) is 5242881 bytes (5 MB); WhatsApp takes at most 5242880 bytes (5 MB) for image files');

	const staticSticker = webp(150 * 1024, false);
	const s = await runNode(node, mediaParams('sticker'), [withBinary({ to: `+${TO}` }, { data: { bytes: staticSticker, mimeType: 'image/webp', fileName: 's.webp' } })], creds());
	expect(s.nodeError?.message).toMatch(/is 153600 bytes \(150 KB\); WhatsApp takes at most 102400 bytes \(100 KB\) for static stickers$/);
	expect(uploads()).toHaveLength(0);

	// The same size animated is within the 500 KB cap: uploaded and sent.
	const animated = webp(150 * 1024, true);
	const ok = await runNode(node, mediaParams('sticker'), [withBinary({ to: `+${TO}` }, { data: { bytes: animated, mimeType: 'image/webp', fileName: 'a.webp' } })], creds());
	expect(ok.nodeError).toBeUndefined();
	expect(jsonOf(ok.items)[0]).toMatchObject({ type: 'sticker' });
	const [media] = [...sim.state.media.items.values()];
	expect(media.data.length).toBe(animated.length);
	expect(sends()).toEqual([expect.objectContaining({ type: 'sticker', sticker: { id: media.id } })]);
});

it("n8n's filesystem binary mode: an over-size file is refused from its stored size without being read; a good one is uploaded", async () => {
	const fsMode = await useFilesystemBinaryData();
	try {
		const service = Container.get(BinaryDataService);
		const read = jest.spyOn(service, 'getAsBuffer');
		const big = await fsMode.store(Buffer.alloc(6 * 1024 * 1024, 1), { mimeType: 'image/jpeg', fileName: 'big.jpg' });
		expect(big.id).toBeTruthy();
		const r = await runNode(node, mediaParams('image'), [{ json: { to: `+${TO}` }, binary: { data: big } }], creds());
		expect(r.nodeError?.message).toBe('Item 0, binary property "data" (big.jpg) is 6291456 bytes (6 MB); WhatsApp takes at most 5242880 bytes (5 MB) for image files');
		expect(read).not.toHaveBeenCalled();
		expect(uploads()).toHaveLength(0);

		const good = await fsMode.store(PNG, { mimeType: 'image/png', fileName: 'disk.png' });
		const ok = await runNode(node, mediaParams('image'), [{ json: { to: `+${TO}` }, binary: { data: good } }], creds());
		expect(ok.nodeError).toBeUndefined();
		expect(read).toHaveBeenCalledTimes(1);
		const form = await uploadForm(uploads()[0]);
		expect([form.type, form.file.name]).toEqual(['image/png', 'disk.png']);
		expect(Buffer.from(await form.file.arrayBuffer())).toEqual(PNG);
		const [media] = [...sim.state.media.items.values()];
		expect(sends()[0].image).toEqual({ id: media.id });
	} finally {
		jest.restoreAllMocks();
		fsMode.restore();
	}
});

it('Send Campaign: header image from a binary is checked, uploaded once and used for every recipient', async () => {
	const templateId = sim.state.templates.find(DEFAULT_WABA_ID, 'promo_named', 'en_US')?.id as string;
	const params = (campaignId: string): IDataObject => ({
		operation: 'sendCampaign',
		campaignId,
		phoneNumber: { mode: 'id', value: PHONE },
		template: { mode: 'id', value: templateId },
		audience: 'items',
		variables: { mappingMode: 'defineBelow', value: { 'body.first_name': '={{ $json.name }}', 'body.promo_code': 'SPRING' } },
		headerBinaryProperty: 'banner',
		throughputMode: 'manual',
		mps: 20,
		messagingLimitMode: 'unlimited',
	});
	const people = (bytes: Buffer, mimeType: string) => [
		withBinary({ phone: `+${TO}`, name: 'Ana' }, { banner: { bytes, mimeType, fileName: 'spring.png' } }),
		{ json: { phone: `+${TO2}`, name: 'Ben' } },
	];
	const gif = await runNode(node, params('hdr-gif'), people(Buffer.from('GIF89a'), 'image/gif'), creds());
	expect(gif.nodeError?.message).toBe('Item 0, binary property "banner" (spring.png) is image/gif, which WhatsApp does not take for image messages (allowed: image/jpeg, image/png)');
	expect(uploads()).toHaveLength(0);

	const r = await runNode(node, params('hdr-png'), people(PNG, 'image/png'), creds());
	expect(r.nodeError).toBeUndefined();
	expect(jsonOf(r.items).map((o) => o.state)).toEqual(['accepted', 'accepted']);
	expect(uploads()).toHaveLength(1);
	const [media] = [...sim.state.media.items.values()];
	expect(media.data.equals(PNG)).toBe(true);
	const headers = sends().map((s) => (s.template.components as { type: string; parameters: unknown[] }[]).find((c) => c.type === 'header'));
	expect(headers).toEqual([
		{ type: 'header', parameters: [{ type: 'image', image: { id: media.id } }] },
		{ type: 'header', parameters: [{ type: 'image', image: { id: media.id } }] },
	]);
});
