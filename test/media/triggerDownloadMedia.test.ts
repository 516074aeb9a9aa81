/**
 * The WhatsApp Cloud Trigger's Download Media option, with signed webhooks the simulator sends for
 * inbound customer media (POST /_sim/inbound type image / document …): the item gets the file as
 * binary data; a failed download is reported on the item (`mediaError`, `mediaErrorCode`) and the
 * event is kept; texts and statuses make no Graph call.
 */
import { WhatsAppCloudTrigger } from '../../nodes/WhatsAppCloudTrigger/WhatsAppCloudTrigger.node';
import { runWebhook, runWorkflow, type CredentialsMap } from '../harness';
import { APP_SECRET, cloudCreds, png, SIM_TOKEN, useSimAndStorePath, VERIFY_TOKEN } from '../helpers/simWithWebhooks';

const CUSTOMER = '4915100000902';
const t = useSimAndStorePath('wa-trigger-media-');

const graphRequests = () => (t.s.sim.stats().requests as { graph: number }).graph;

async function deliver(params: Record<string, unknown>, creds: CredentialsMap = cloudCreds(t.s.url, t.storePath)) {
	const hook = await t.s.nextWebhook();
	return runWebhook(new WhatsAppCloudTrigger(), params as never, { method: 'POST', rawBody: hook.raw, headers: { 'x-hub-signature-256': hook.signature } }, creds);
}

it('attaches an inbound image as binary data (same bytes and MIME type); Meta gets its 200', async () => {
	const photo = png(5000, 4);
	await t.s.inbound({ from: CUSTOMER, type: 'image', data: photo.toString('base64'), mime_type: 'image/png', caption: 'broken box' });
	const res = await deliver({ options: { downloadMedia: true } });
	expect(res.statusCode).toBe(200);
	expect(res.body).toBe('EVENT_RECEIVED');
	const [item] = res.workflowData![0];
	expect(item.json).toMatchObject({ kind: 'message', type: 'image', text: 'broken box', media: { id: expect.any(String), mimeType: 'image/png' } });
	expect(item.json.mediaError).toBeUndefined();
	const binary = item.binary!.data;
	expect(binary).toMatchObject({ mimeType: 'image/png', fileName: `${(item.json.media as { id: string }).id}.png` });
	expect(Buffer.from(binary.data, 'base64').equals(photo)).toBe(true);

	// The binary flows on to the next node of the workflow.
	const run = await runWorkflow({
		nodes: [
			{ name: 'Trigger', type: 'n8n-nodes-whatsapp-cloud.whatsAppCloudTrigger', parameters: { options: { downloadMedia: true } } },
			{ name: 'Next', type: 'n8n-nodes-base.noOp' },
		],
		connections: { Trigger: { main: [[{ node: 'Next', type: 'main', index: 0 }]] } },
		credentials: cloudCreds(t.s.url, t.storePath),
		startNode: 'Trigger',
		startOutputs: res.workflowData,
		mode: 'webhook',
	});
	expect(Buffer.from(run.outputs.Next[0][0].binary!.data.data, 'base64').equals(photo)).toBe(true);
});

it("a document keeps the sender's file name; Media Binary Field picks the property", async () => {
	await t.s.inbound({ from: CUSTOMER, type: 'document', data: Buffer.from('%PDF-1.7 invoice').toString('base64'), mime_type: 'application/pdf', filename: 'Rechnung 42.pdf' });
	const res = await deliver({ options: { downloadMedia: true, mediaBinaryProperty: 'invoice' } });
	const [item] = res.workflowData![0];
	expect(item.binary!.invoice).toMatchObject({ mimeType: 'application/pdf', fileName: 'Rechnung 42.pdf' });
	expect(Buffer.from(item.binary!.invoice.data, 'base64').toString()).toBe('%PDF-1.7 invoice');
});

it('a failed download is reported on the item and the event is kept (media gone, over the cap, no credential)', async () => {
	// Gone: the media is deleted before the trigger fetches it.
	const sent = await t.s.inbound({ from: CUSTOMER, type: 'image', data: png(300).toString('base64'), mime_type: 'image/png' });
	t.s.sim.state.media.items.delete((sent.message as { image: { id: string } }).image.id);
	const gone = await deliver({ options: { downloadMedia: true } });
	expect(gone.statusCode).toBe(200);
	expect(gone.workflowData![0]).toHaveLength(1);
	expect(gone.workflowData![0][0].json).toMatchObject({ kind: 'message', type: 'image', mediaError: expect.any(String), mediaErrorCode: expect.stringMatching(/^graph_/) });
	expect(gone.workflowData![0][0].binary).toBeUndefined();

	// Over the cap: refused from Meta's file_size, before any byte is fetched.
	await t.s.inbound({ from: CUSTOMER, type: 'video', size: 3 * 1024 * 1024, mime_type: 'video/mp4' });
	const big = await deliver({ options: { downloadMedia: true, mediaMaxSizeMb: 1 } });
	expect(big.workflowData![0][0].json).toMatchObject({ type: 'video', mediaErrorCode: 'too_large', mediaError: expect.stringMatching(/is 3 MB, over the 1 MB limit; it was not downloaded$/) });

	// No Cloud API credential on the trigger.
	await t.s.inbound({ from: CUSTOMER, type: 'sticker', data: Buffer.alloc(200, 1).toString('base64'), mime_type: 'image/webp' });
	const noCred = await deliver({ options: { downloadMedia: true } }, { whatsAppCloudWebhookApi: { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN } });
	expect(noCred.statusCode).toBe(200);
	expect(noCred.workflowData![0][0].json).toMatchObject({ type: 'sticker', mediaErrorCode: 'no_credential', mediaError: 'Download Media needs a WhatsApp Cloud API credential on the trigger' });
	expect(JSON.stringify([gone.workflowData, big.workflowData, noCred.workflowData])).not.toContain(SIM_TOKEN);
});

it('no Graph call for texts, or with the option off', async () => {
	await t.s.inbound({ from: CUSTOMER, text: 'hello' });
	const before = graphRequests();
	const text = await deliver({ options: { downloadMedia: true } });
	expect(text.workflowData![0][0].json).toMatchObject({ type: 'text', text: 'hello' });
	expect(text.body).toEqual({ message: 'Workflow was started' });
	expect(graphRequests()).toBe(before);

	await t.s.inbound({ from: CUSTOMER, type: 'image', data: png(300).toString('base64'), mime_type: 'image/png' });
	const off = await deliver({});
	expect(off.workflowData![0][0].binary).toBeUndefined();
	expect(off.workflowData![0][0].json.mediaError).toBeUndefined();
	expect(graphRequests()).toBe(before);
});
