/**
 * What the trigger does with an accepted request's events after the store step: Meta gets its 200
 * before any slow work (the events are already applied and de-duplicated), then
 *  - answers resume the executions waiting for them (Send and Wait for Response, resumeWaits.ts);
 *  - one output item per event (plus its opt-out / resume notes) and per reported skipped event;
 *  - Download Media attaches the files (downloadMedia.ts).
 */
import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { resumeNote } from '../../core/sendAndWait/resume';
import type { ReceiveResult } from '../../core/webhook/receive';
import { attachMedia, downloadMediaOptions, mediaIdOf } from './downloadMedia';
import { resumeAnswers } from './resumeWaits';

export async function emitEvents(ctx: IWebhookFunctions, result: ReceiveResult, options: IDataObject, reply200: () => void): Promise<IWebhookResponseData> {
	let acked = false;
	const ack = () => {
		if (!acked) reply200();
		acked = true;
	};
	const resumed = options.resumeWaits !== false ? await resumeAnswers(ctx, result.events, ack) : undefined;

	const items: INodeExecutionData[] = [];
	for (const event of result.events) {
		const outcomes = resumed?.get(event.eventId);
		// An answer that resumed its execution belongs to it; emitted too only when asked (a workflow that
		// waits and also starts on messages would otherwise start again on every answer).
		if (outcomes?.some((o) => o.resumed) && options.emitWaitAnswers !== true) continue;
		items.push({ json: { ...event, ...result.annotations.get(event.eventId), ...resumeNote(outcomes) } as unknown as IDataObject });
	}
	for (const s of result.reported) items.push({ json: { ...s } as unknown as IDataObject });
	if (!items.length) {
		ack();
		return { noWebhookResponse: true };
	}
	const media = downloadMediaOptions(options);
	if (media && items.some((item) => mediaIdOf(item.json) !== undefined)) {
		ack();
		await attachMedia(ctx, items, media);
	}
	return acked ? { noWebhookResponse: true, workflowData: [items] } : { workflowData: [items] };
}
