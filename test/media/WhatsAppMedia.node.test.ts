/**
 * WhatsApp Media (Upload / Download / Delete) through workflow executions (test/harness) against the
 * simulator. The round trip: a file uploaded with the Media node is sent by its media ID (Campaign
 * Send Message), the customer sends a photo back (a signed inbound webhook through the WhatsApp
 * Cloud Trigger), and Download of the trigger's `media.id` gives the same bytes and MIME type.
 * Meta's two-step download (GET /{media-id} → short-lived URL that needs the token) is the
 * simulator's; errors name the item and never carry the token.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { downloadMedia, MediaError, openMediaUrl } from '../../core/media/api';
import { GraphClient } from '../../core/graph/client';
import { WhatsAppMedia } from '../../nodes/WhatsAppMedia/WhatsAppMedia.node';
import { WhatsAppCloudTrigger } from '../../nodes/WhatsAppCloudTrigger/WhatsAppCloudTrigger.node';
import { jsonOf, runNode, runWebhook, runWorkflow, useFilesystemBinaryData } from '../harness';
import { cloudCreds, PHONE, png, SIM_TOKEN, useSimAndStorePath } from '../helpers/simWithWebhooks';
import * as fs from 'node:fs';
import { openStore } from '../../core/store';

const CUSTOMER = '4915100000901';
const t = useSimAndStorePath('wa-media-');

const media = new WhatsAppMedia();
const creds = () => cloudCreds(t.s.url, t.storePath);
const withBinary = (bytes: Buffer, mimeType: string, fileName: string, json: IDataObject = {}): INodeExecutionData => ({
	json,
	binary: { data: { data: bytes.toString('base64'), mimeType, fileName } },
});
const bytesOf = (item: INodeExecutionData, key = 'data') => Buffer.from(String(item.binary?.[key]?.data ?? ''), 'base64');

it('upload → send by media ID → the customer sends a photo back → Download of the trigger\'s media.id gives the same bytes and MIME type', async () => {
	const photo = png(4096, 3);
	const up = await runNode(media, { operation: 'upload', binaryProperty: 'data' }, [withBinary(photo, 'image/png', 'label.png')], creds());
	expect(up.status).toBe('success');
	const [uploaded] = jsonOf(up.items);
	expect(uploaded).toEqual({ id: expect.stringMatching(/^\d+$/), mediaType: 'image', mimeType: 'image/png', fileName: 'label.png', fileSize: 4096, phoneNumberId: PHONE });

	// The customer wrote first (window open), so a session image by media ID is allowed.
	await t.s.inbound({ from: CUSTOMER, text: 'hi' });
	await t.s.nextWebhook();
	await (await openStore({ backend: 'sqlite', path: t.storePath })).recordInbound([{ phoneNumberId: PHONE, waId: CUSTOMER, at: Date.now() }]);
	const sent = await runWorkflow({
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
			{
				name: 'Send',
				type: 'n8n-nodes-whatsapp-cloud.whatsAppCampaign',
				parameters: { operation: 'sendMessage', phoneNumber: { mode: 'id', value: PHONE }, to: CUSTOMER, messageType: 'image', mediaSource: 'id', media: '={{ $json.id }}' },
			},
		],
		connections: { Start: { main: [[{ node: 'Send', type: 'main', index: 0 }]] } },
		credentials: creds(),
		inputItems: up.items,
	});
	expect(sent.status).toBe('success');
	expect(jsonOf(sent.outputs.Send[0])).toEqual([expect.objectContaining({ messageId: expect.stringMatching(/^wamid\./), type: 'image' })]);
	// The simulator accepts an image by ID only when the media exists (131009 otherwise).
	const log = (await (await fetch(`${t.s.url}/_sim/messages?to=${CUSTOMER}&type=image`)).json()) as { data: Array<Record<string, any>> };
	expect(log.data).toHaveLength(1);

	// The customer sends a photo: a signed webhook through the trigger, then Download by its media.id.
	const back = png(3000, 9);
	await t.s.inbound({ from: CUSTOMER, type: 'image', data: back.toString('base64'), mime_type: 'image/png', caption: 'the damage' });
	const hook = await t.s.nextWebhook();
	const trig = await runWebhook(new WhatsAppCloudTrigger(), { events: ['message'] }, { method: 'POST', rawBody: hook.raw, headers: { 'x-hub-signature-256': hook.signature } }, creds());
	expect(trig.statusCode).toBe(200);
	const run = await runWorkflow({
		nodes: [
			{ name: 'Trigger', type: 'n8n-nodes-whatsapp-cloud.whatsAppCloudTrigger', parameters: { events: ['message'] } },
			{ name: 'Download', type: 'n8n-nodes-whatsapp-cloud.whatsAppMedia', parameters: { operation: 'download', mediaId: '={{ $json.media.id }}', binaryPropertyOutput: 'photo' } },
		],
		connections: { Trigger: { main: [[{ node: 'Download', type: 'main', index: 0 }]] } },
		credentials: creds(),
		startNode: 'Trigger',
		startOutputs: trig.workflowData,
		mode: 'webhook',
	});
	expect(run.status).toBe('success');
	const [out] = run.outputs.Download[0];
	expect(out.json).toMatchObject({ type: 'image', text: 'the damage', mimeType: 'image/png', fileSize: 3000 });
	expect(out.json.fileName).toBe(`${out.json.mediaId}.png`);
	expect(out.binary?.photo?.mimeType).toBe('image/png');
	expect(bytesOf(out, 'photo').equals(back)).toBe(true);
	expect(out.pairedItem).toEqual({ item: 0 });

	// And the uploaded file downloads as it went up.
	const again = await runNode(media, { operation: 'download', mediaId: uploaded.id, options: { fileName: 'copy.png' } }, [{ json: {} }], creds());
	expect(bytesOf(again.items[0]).equals(photo)).toBe(true);
	expect(again.items[0].binary?.data).toMatchObject({ mimeType: 'image/png', fileName: 'copy.png' });
});

it('Upload checks Meta\'s type and size rules before anything is sent, naming the item and the property', async () => {
	const r = await runNode(
		media,
		{ operation: 'upload', binaryProperty: 'data', mediaType: 'image' },
		[withBinary(Buffer.from('GIF89a....'), 'image/gif', 'party.gif'), withBinary(png(6 * 1024 * 1024), 'image/png', 'huge.png'), { json: {} }, withBinary(png(100), 'image/png', 'ok.png')],
		creds(),
		{ continueOnFail: true },
	);
	const out = jsonOf(r.items);
	expect(out[0].error).toMatch(/^Item 0: binary property "data" \(party\.gif\) is image\/gif, which WhatsApp does not take for image messages/);
	expect(out[1].error).toMatch(/^Item 1: binary property "data" \(huge\.png\) is 6291456 bytes \(6 MB\); WhatsApp takes at most 5242880 bytes/);
	expect(out[2].error).toBe('Item 2: no binary property "data" (the item has no binary data)');
	expect(out[3]).toMatchObject({ id: expect.stringMatching(/^\d+$/) });
	expect(r.items.map((i) => i.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
	expect(t.s.sim.state.media.items.size).toBe(1);
});

it('Download failures are per item: unknown media, not a media ID, over the size cap (refused before the bytes are fetched)', async () => {
	const big = t.s.sim.state.media.addSynthetic(PHONE, 'application/pdf', 2 * 1024 * 1024, 'big.pdf');
	const r = await runNode(
		media,
		{ operation: 'download', mediaId: '={{ $json.id }}', options: { maxSizeMb: 1 } },
		[{ json: { id: '999999999999' } }, { json: { id: '../../me' } }, { json: { id: big.id } }],
		creds(),
		{ continueOnFail: true },
	);
	const out = jsonOf(r.items);
	expect(out[0].error).toEqual(expect.any(String));
	expect(out[0]).toMatchObject({ httpStatus: expect.any(Number) });
	expect(out[1].error).toBe('Item 1: "../../me" is not a WhatsApp media ID (Meta\'s media IDs are digits only)');
	expect(out[2].error).toBe(`Item 2: Media ${big.id} is 2 MB, over the 1 MB limit; it was not downloaded`);
	expect(JSON.stringify(out)).not.toContain(SIM_TOKEN);
	// Without Continue On Fail the execution fails on the first bad item.
	const failed = await runNode(media, { operation: 'download', mediaId: '12' }, [{ json: {} }], creds());
	expect(failed.status).toBe('error');
});

it("Meta's media URL answers only with the token, and expires", async () => {
	const m = t.s.sim.state.media.add(PHONE, 'image/png', png(500));
	const client = new GraphClient({ accessToken: SIM_TOKEN, baseUrl: t.s.url, apiVersion: 'v23.0' });
	const info = (await client.request<{ url: string }>({ method: 'GET', path: `/${m.id}` })).url;
	const wrong = await openMediaUrl(info, 'not-the-token').catch((e: unknown) => e);
	expect(wrong).toBeInstanceOf(MediaError);
	expect((wrong as MediaError).message).toBe('The media file: the download failed: the URL refused the token (a wrong token, or the short-lived URL expired: ask for the media ID again)');
	expect((wrong as MediaError).message).not.toContain('not-the-token');
	t.s.sim.clock.advance(6 * 60_000);
	const expired = await openMediaUrl(info, SIM_TOKEN).catch((e: unknown) => e);
	expect((expired as MediaError).httpStatus).toBe(404);
	// A fresh GET /{media-id} gives a new URL.
	const d = await downloadMedia(client, SIM_TOKEN, m.id);
	const chunks: Buffer[] = [];
	for await (const c of d.stream) chunks.push(c as Buffer);
	expect(Buffer.concat(chunks).equals(m.data)).toBe(true);
});

it('a download whose bytes differ from Meta\'s sha256 fails (an altered or cut file never becomes binary data)', async () => {
	const m = t.s.sim.state.media.add(PHONE, 'application/pdf', Buffer.from('%PDF-1.7 original'));
	m.sha256 = '0'.repeat(64);
	const r = await runNode(media, { operation: 'download', mediaId: m.id }, [{ json: {} }], creds(), { continueOnFail: true });
	expect(jsonOf(r.items)[0].error).toBe(`Item 0: Media ${m.id}: the downloaded bytes do not match Meta's sha256 (incomplete or altered download)`);
	expect(r.items[0].binary).toBeUndefined();
});

it('Delete removes the media: a later download fails', async () => {
	const m = t.s.sim.state.media.add(PHONE, 'image/png', png(100));
	const del = await runNode(media, { operation: 'delete', mediaId: m.id }, [{ json: {} }], creds());
	expect(jsonOf(del.items)).toEqual([{ mediaId: m.id, deleted: true }]);
	expect(t.s.sim.state.media.items.has(m.id)).toBe(false);
	const after = await runNode(media, { operation: 'download', mediaId: m.id }, [{ json: {} }], creds(), { continueOnFail: true });
	expect(jsonOf(after.items)[0].error).toEqual(expect.any(String));
});

describe("n8n's filesystem binary mode", () => {
	let fsMode: Awaited<ReturnType<typeof useFilesystemBinaryData>>;
	beforeEach(async () => {
		fsMode = await useFilesystemBinaryData();
	});
	afterEach(() => fsMode.restore());

	it('Download streams into a binary file; Upload reads a stored binary (oversize refused from its metadata)', async () => {
		const m = t.s.sim.state.media.addSynthetic(PHONE, 'application/pdf', 3 * 1024 * 1024 + 17, 'contract.pdf');
		const r = await runNode(media, { operation: 'download', mediaId: m.id, options: { fileName: 'contract.pdf' } }, [{ json: {} }], creds());
		expect(r.status).toBe('success');
		const binary = r.items[0].binary!.data;
		expect(binary.id).toEqual(expect.any(String));
		expect(binary).toMatchObject({ mimeType: 'application/pdf', fileName: 'contract.pdf' });
		const file = fs.readFileSync(fsMode.pathOf(binary));
		expect(file.length).toBe(m.size);
		expect(require('node:crypto').createHash('sha256').update(file).digest('hex')).toBe(m.sha256);

		const stored = await fsMode.store(png(6 * 1024 * 1024), { mimeType: 'image/png', fileName: 'big.png' });
		const up = await runNode(media, { operation: 'upload' }, [{ json: {}, binary: { data: stored } }], creds(), { continueOnFail: true });
		expect(jsonOf(up.items)[0].error).toMatch(/^Item 0: binary property "data" \(big\.png\) is 6291456 bytes/);
	});
});
