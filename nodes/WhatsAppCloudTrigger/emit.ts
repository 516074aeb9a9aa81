/**
 * What the trigger does with an accepted request's events after the store step: Meta gets its 200
 * before any slow work (the events are already applied and de-duplicated), then
 *  - answers resume the executions waiting for them (Send and Wait for Response, resumeWaits.ts);
 *  - one output item per event (plus its opt-out / resume notes) and per reported skipped event;
 *  - Download Media attaches the files (downloadMedia.ts).
 */
import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { eventsToEmit } from '../../core/sendAndWait/resume';
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

	// An answer that resumed its execution is emitted too only with Emit Wait Answers (eventsToEmit).
	const items: INodeExecutionData[] = eventsToEmit(result.events, resumed, options.emitWaitAnswers === true, (event) => result.annotations.get(event.eventId)).map(
		(json) => ({ json: json as IDataObject }),
	);
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
