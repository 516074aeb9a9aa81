/**
 * core/sendAndWait/resume.ts resumeAnswers, shared by both webhook triggers: only answers open the wait
 * store; a store failure part way is logged and the waits claimed before it are still resumed.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resumeAnswers } from '../../core/sendAndWait/resume';
import { MemoryWaitStore, type PendingWait } from '../../core/sendAndWait/waits';
import type { WebhookEvent } from '../../core/webhook/types';

const PNID = '106540352242922';
const NOW = Date.parse('2026-12-05T10:00:00Z');
const message = (id: string, waId: string) => ({ kind: 'message', eventId: id, messageId: id, type: 'text', text: 'yes', waId, phoneNumberId: PNID }) as unknown as WebhookEvent;
const status = { kind: 'status', eventId: 'wamid.s:read', messageId: 'wamid.s', status: 'read', waId: '1', phoneNumberId: PNID } as unknown as WebhookEvent;

let server: http.Server;
let base = '';
const posted: string[] = [];
beforeAll(async () => {
	server = http.createServer((req, res) => {
		posted.push(req.url ?? '');
		req.resume().on('end', () => res.writeHead(200).end('{}'));
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => (posted.length = 0));

const wait = (executionId: string, waId: string): PendingWait => ({ id: `${executionId}:n`, phoneNumberId: PNID, waId, resumeUrl: `${base}/webhook-waiting/${executionId}/n`, executionId, createdAt: NOW, expiresAt: NOW + 600_000 });

it('statuses never open the wait store', async () => {
	let opened = 0;
	const out = await resumeAnswers(async () => (opened++, new MemoryWaitStore()), [status], { now: NOW });
	expect([opened, out.size]).toEqual([0, 0]);
});

it('a store failure on the second answer is logged; the first answer still resumes its execution', async () => {
	const store = new MemoryWaitStore();
	await store.add(wait('e1', '4915100000001'));
	let calls = 0;
	const flaky = { claim: async (...args: Parameters<MemoryWaitStore['claim']>) => (++calls === 2 ? Promise.reject(new Error('database is locked')) : store.claim(...args)) };
	const logs: string[] = [];
	let acked = 0;
	const out = await resumeAnswers(async () => flaky, [message('wamid.a', '4915100000001'), message('wamid.b', '4915100000002')], { now: NOW, log: (m) => logs.push(m), beforeResume: () => acked++ });
	expect(out.get('wamid.a')).toEqual([{ executionId: 'e1', resumed: true }]);
	expect(posted).toEqual(['/webhook-waiting/e1/n']);
	expect(acked).toBe(1);
	expect(logs).toEqual(['could not look up executions waiting for an answer: database is locked']);
});
