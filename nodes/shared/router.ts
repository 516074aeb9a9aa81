/**
 * A node is a router over operation modules (`actions/<op>.operation.ts`, each exporting its fields
 * as `description` and its `execute`). This file holds the two halves every node shares:
 *
 *   properties: operationProperties({ default, options }, operations)   // the editor's fields
 *   execute() { return routeItems(this, operations) }               // the per-item loop
 *
 * `routeItems` does, once for every node, what each used to restate: find the item's operation,
 * pair every output item to its input item, and with *Continue On Fail* turn a failing item into its
 * error item while the others go on (without it the error names the item; nodes/shared/items.ts).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { failedItem } from './items';

/** An output item before the router pairs it: its json and any binary data. */
export type OutputItem = Pick<INodeExecutionData, 'json' | 'binary'>;

/** One input item on its way through an operation. */
export interface ItemRun {
	fn: IExecuteFunctions;
	/** The item's index: every output item is paired to it. */
	i: number;
	/** The `operation` parameter's value (paired operations such as Opt Out / Opt In share a module); '' for a node with one operation. */
	operation: string;
	/** Adds an output item (json only), paired to the item; `output` is the node output's index (default 0). */
	emit(json: IDataObject, output?: number): void;
	/** Adds a whole output item (json and binary data), paired to the item. */
	emitItem(data: OutputItem, output?: number): void;
}

/** An operation's run on one item. What it returns goes to the first output (one item, several, or none when it emitted its own). */
export type Operation = (run: ItemRun) => Promise<IDataObject | IDataObject[] | void>;

export interface OperationModule {
	/** The operation's fields, in the order the editor shows them (shared fields are the same object in each module that shows them). */
	description: INodeProperties[];
	execute: Operation;
}

export interface RouteOptions {
	/** How many outputs the node has (default 1). */
	outputs?: number;
	/** The output a failed item goes to under Continue On Fail (default 0). */
	errorOutput?: number;
	/** Whether a failed item keeps its input json beside the error (Conversation Window: the item goes on to Closed). */
	keepInputOnError?: boolean;
	/** Rewrites an error before it becomes the item's error (e.g. to name the item). */
	mapError?: (error: unknown, i: number) => unknown;
}

/** Runs every input item through its operation (`operations[operation]`, or the node's only operation). */
export async function routeItems(fn: IExecuteFunctions, operations: Record<string, OperationModule> | Operation, options: RouteOptions = {}): Promise<INodeExecutionData[][]> {
	const outputs = Array.from({ length: options.outputs ?? 1 }, (): INodeExecutionData[] => []);
	const input = fn.getInputData();
	for (let i = 0; i < input.length; i++) {
		try {
			const single = typeof operations === 'function';
			const operation = single ? '' : (fn.getNodeParameter('operation', i) as string);
			const execute = single ? operations : Object.hasOwn(operations, operation) ? operations[operation].execute : undefined;
			if (!execute) throw new NodeOperationError(fn.getNode(), `Unknown operation ${JSON.stringify(operation)}`, { itemIndex: i });
			const emitItem = (data: OutputItem, output = 0) => outputs[output].push({ ...data, pairedItem: { item: i } });
			const result = await execute({ fn, i, operation, emit: (json, output) => emitItem({ json }, output), emitItem });
			for (const json of result === undefined ? [] : Array.isArray(result) ? result : [result]) emitItem({ json });
		} catch (error) {
			const mapped = options.mapError ? options.mapError(error, i) : error;
			outputs[options.errorOutput ?? 0].push(failedItem(fn, mapped, i, options.keepInputOnError ? input[i].json : {}));
		}
	}
	return outputs;
}

/**
 * The node's properties: the Operation selector (`options`: one per operation, alphabetical, each
 * with an `action`), then every operation's fields merged so that each
 * operation's fields keep the order its module lists them in (a field several operations show is one
 * object, placed once). Throws when two modules list shared fields in contradicting orders.
 */
export function operationProperties(selector: { default: string; options: INodePropertyOptions[] }, operations: Record<string, OperationModule>): INodeProperties[] {
	const lists = [...new Set(Object.values(operations))].map((m) => m.description);
	const firstSeen: INodeProperties[] = [];
	const before = new Map<INodeProperties, Set<INodeProperties>>();
	for (const list of lists) {
		list.forEach((field, k) => {
			if (!before.has(field)) {
				before.set(field, new Set());
				firstSeen.push(field);
			}
			if (k > 0) before.get(field)?.add(list[k - 1]);
		});
	}
	const placed = new Set<INodeProperties>();
	const { options, default: defaultOperation } = selector;
	const merged: INodeProperties[] = [{ displayName: 'Operation', name: 'operation', type: 'options', noDataExpression: true, options, default: defaultOperation }];
	while (placed.size < firstSeen.length) {
		const next = firstSeen.find((f) => !placed.has(f) && [...(before.get(f) ?? [])].every((p) => placed.has(p)));
		if (!next) throw new Error(`Operation fields listed in contradicting orders (near "${firstSeen.find((f) => !placed.has(f))?.name}")`);
		placed.add(next);
		merged.push(next);
	}
	return merged;
}
