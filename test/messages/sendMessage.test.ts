/**
 * core/messages/api.ts sendMessage: a session message inside the 24 h window; with the window
 * closed, a clear error (Meta would answer 131047) or the recontact template instead; `ignore`
 * skips the check. A stand-in Graph client records what is posted.
 */
import type { GraphRequest } from '../../core/graph/client';
import { sendMessage, textMessage, WindowClosedError } from '../../core/messages';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const HOUR = 3_600_000;

function graph() {
	const posts: GraphRequest[] = [];
	return {
		posts,
		async request<T>(req: GraphRequest): Promise<T> {
			posts.push(req);
			return { contacts: [{ input: '4915123456789', wa_id: '4915123456789' }], messages: [{ id: `wamid.${posts.length}` }] } as T;
		},
	};
}

const recontact = async () => ({ body: { type: 'template', template: { name: 'hello' } }, template: 'hello' });

it('window open: the session body is posted to /{phone}/messages', async () => {
	const g = graph();
	const sent = await sendMessage(g, { phoneNumberId: '111', to: '4915123456789', now: NOW, readWindow: async () => ({ lastInboundAt: NOW - 23 * HOUR }), body: () => textMessage('4915123456789', 'hi') });
	expect(sent).toEqual({ messageId: 'wamid.1', waId: '4915123456789', messageStatus: undefined, type: 'text', recontact: false });
	expect(g.posts.map((p) => [p.method, p.path])).toEqual([['POST', '/111/messages']]);
});

it('window closed (24 h passed, or no message on record): fails before building or posting anything, with the hint', async () => {
	const g = graph();
	const body = jest.fn(() => textMessage('4915123456789', 'hi'));
	const closed = sendMessage(g, { phoneNumberId: '111', to: '4915123456789', now: NOW, readWindow: async () => ({ lastInboundAt: NOW - 24 * HOUR }), body, closedHint: 'Choose "Send a Recontact Template".' });
	await expect(closed).rejects.toBeInstanceOf(WindowClosedError);
	await expect(closed).rejects.toThrow(
		'The 24 h customer-service window with 4915123456789 is closed (last message 2026-02-28T12:00:00.000Z): only templates can be sent (Meta error 131047). Choose "Send a Recontact Template".',
	);
	await expect(sendMessage(g, { phoneNumberId: '111', to: '4915123456789', now: NOW, readWindow: async () => undefined, body })).rejects.toThrow('(no message from them on record): only templates can be sent (Meta error 131047).');
	expect(body).not.toHaveBeenCalled();
	expect(g.posts).toHaveLength(0);
});

it('window closed with recontact: the template goes instead of the session message', async () => {
	const g = graph();
	const body = jest.fn(() => textMessage('4915123456789', 'hi'));
	const sent = await sendMessage(g, { phoneNumberId: '111', to: '4915123456789', whenClosed: 'recontact', readWindow: async () => undefined, recontact, body });
	expect(sent).toMatchObject({ type: 'template', recontact: true, template: 'hello', messageId: 'wamid.1' });
	expect(g.posts[0].body).toEqual({ type: 'template', template: { name: 'hello' } });
	expect(body).not.toHaveBeenCalled();
});

it('ignore: the store is not asked and the session message goes (Meta decides)', async () => {
	const g = graph();
	const readWindow = jest.fn(async () => undefined);
	const sent = await sendMessage(g, { phoneNumberId: '111', to: '4915123456789', whenClosed: 'ignore', readWindow, body: () => textMessage('4915123456789', 'hi') });
	expect(sent).toMatchObject({ type: 'text', recontact: false });
	expect(readWindow).not.toHaveBeenCalled();
});
