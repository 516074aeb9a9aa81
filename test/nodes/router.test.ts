/**
 * nodes/shared/router.ts: a node's properties assembled from its operation modules, and the one
 * per-item loop (operation lookup, pairing, outputs, Continue On Fail) every router node uses.
 */
import type { IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { type OperationModule, operationProperties, routeItems } from '../../nodes/shared/router';
import { WhatsAppContacts } from '../../nodes/WhatsAppContacts/WhatsAppContacts.node';
import { WhatsAppMedia } from '../../nodes/WhatsAppMedia/WhatsAppMedia.node';
import { WhatsAppTemplates } from '../../nodes/WhatsAppTemplates/WhatsAppTemplates.node';
import * as contactsImport from '../../nodes/WhatsAppContacts/actions/import.operation';
import * as templatesEdit from '../../nodes/WhatsAppTemplates/actions/edit.operation';
import * as mediaDelete from '../../nodes/WhatsAppMedia/actions/delete.operation';

const field = (name: string, operation: string[]): INodeProperties => ({ displayName: name, name, type: 'string', default: '', displayOptions: { show: { operation } } });
const shownFor = (properties: INodeProperties[], operation: string) =>
	properties.filter((p) => p.name !== 'operation' && (p.displayOptions?.show?.operation as string[] | undefined)?.includes(operation));

describe('operationProperties', () => {
	it('keeps each operation’s fields in its module’s order, a shared field once', () => {
		const shared = field('shared', ['a', 'b']);
		const a: OperationModule = { description: [field('a1', ['a']), shared], execute: async () => undefined };
		const b: OperationModule = { description: [field('b1', ['b']), shared, field('b2', ['b'])], execute: async () => undefined };
		const props = operationProperties({ default: 'a', options: [] }, { a, b });
		expect(props.map((p) => p.name)).toEqual(['operation', 'a1', 'b1', 'shared', 'b2']);
		expect(props.filter((p) => p === shared)).toHaveLength(1);
		expect(props[0]).toMatchObject({ name: 'operation', type: 'options', noDataExpression: true, default: 'a' });
	});

	it('refuses modules listing shared fields in contradicting orders', () => {
		const x = field('x', ['a', 'b']);
		const y = field('y', ['a', 'b']);
		const a: OperationModule = { description: [x, y], execute: async () => undefined };
		const b: OperationModule = { description: [y, x], execute: async () => undefined };
		expect(() => operationProperties({ default: 'a', options: [] }, { a, b })).toThrow(/contradicting orders/);
	});

	it('the nodes show, for an operation, exactly its module’s fields in that order', () => {
		const cases: [INodeProperties[], string, OperationModule][] = [
			[new WhatsAppContacts().description.properties, 'import', contactsImport],
			[new WhatsAppTemplates().description.properties, 'edit', templatesEdit],
			[new WhatsAppMedia().description.properties, 'delete', mediaDelete],
		];
		for (const [properties, operation, module] of cases) {
			expect(shownFor(properties, operation)).toEqual(module.description.filter((p) => (p.displayOptions?.show?.operation as string[]).includes(operation)));
		}
	});
});

describe('routeItems', () => {
	const node: INode = { id: '1', name: 'Router', type: 'test.router', typeVersion: 1, position: [0, 0], parameters: {} };
	const fake = (operations: string[], continueOnFail: boolean) =>
		({
			getInputData: () => operations.map((op, k) => ({ json: { k, op } })),
			getNodeParameter: (name: string, i: number) => (name === 'operation' ? operations[i] : undefined),
			getNode: () => node,
			continueOnFail: () => continueOnFail,
		}) as unknown as IExecuteFunctions;
	const modules: Record<string, OperationModule> = {
		one: { description: [], execute: async ({ i }) => ({ got: i }) },
		many: { description: [], execute: async ({ i }) => [{ n: 1, i }, { n: 2, i }] },
		split: {
			description: [],
			execute: async ({ i, emit, emitItem }) => {
				emit({ side: 'second' }, 1);
				emitItem({ json: { withBinary: true }, binary: { data: { data: '', mimeType: 'text/plain' } } });
				void i;
			},
		},
		fail: {
			description: [],
			execute: async () => {
				throw new Error('bad input');
			},
		},
	};

	it('sends each item to its operation and pairs every output item to it', async () => {
		const [first, second] = await routeItems(fake(['one', 'many', 'split'], false), modules, { outputs: 2 });
		expect(first).toEqual([
			{ json: { got: 0 }, pairedItem: { item: 0 } },
			{ json: { n: 1, i: 1 }, pairedItem: { item: 1 } },
			{ json: { n: 2, i: 1 }, pairedItem: { item: 1 } },
			{ json: { withBinary: true }, binary: { data: { data: '', mimeType: 'text/plain' } }, pairedItem: { item: 2 } },
		]);
		expect(second).toEqual([{ json: { side: 'second' }, pairedItem: { item: 2 } }]);
	});

	it('with Continue On Fail a failing item becomes its error item (optionally with its input) and the others go on', async () => {
		const [first, errors] = await routeItems(fake(['fail', 'one', 'nope'], true), modules, { outputs: 2, errorOutput: 1, keepInputOnError: true });
		expect(first).toEqual([{ json: { got: 1 }, pairedItem: { item: 1 } }]);
		expect(errors).toEqual([
			{ json: { k: 0, op: 'fail', error: 'bad input' }, pairedItem: { item: 0 } },
			{ json: { k: 2, op: 'nope', error: 'Unknown operation "nope"' }, pairedItem: { item: 2 } },
		]);
	});

	it('without Continue On Fail the error names the item; mapError rewrites it first', async () => {
		const error = await routeItems(fake(['one', 'fail'], false), modules, { mapError: (e, i) => new Error(`Item ${i}: ${(e as Error).message}`) }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe('Item 1: bad input');
		expect((error as NodeOperationError).context.itemIndex).toBe(1);
	});

	it('a node with one operation passes a function', async () => {
		const [out] = await routeItems(fake(['x', 'y'], false), async ({ i, operation }) => ({ i, operation }));
		expect(out.map((o) => o.json)).toEqual([{ i: 0, operation: '' }, { i: 1, operation: '' }]);
	});
});
