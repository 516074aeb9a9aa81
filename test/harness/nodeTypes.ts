/**
 * Node and credential types the harness knows: the package's own (loaded from TypeScript source, so
 * jest + @swc/jest transform them), tiny stand-ins for n8n core nodes (Manual Trigger, No Op), and any
 * extra types a test passes in.
 *
 * Each package node type is registered under its bare name and the two prefixes real n8n uses:
 * `CUSTOM.<name>` (N8N_CUSTOM_EXTENSIONS / ~/.n8n/custom) and `n8n-nodes-whatsapp-cloud.<name>`
 * (a community package install), so workflow JSON exported from n8n runs unchanged.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodeHelpers } from 'n8n-workflow';
import type {
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';

export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-whatsapp-cloud';

export type AnyNodeType = INodeType | IVersionedNodeType;

/** The start node of every harness workflow: outputs the items the harness feeds it (default `[{json:{}}]`). */
export class HarnessManualTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Harness stand-in for n8n\'s Manual Trigger: emits the run\'s input items',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		return [items.length ? items : [{ json: {} }]];
	}
}

/** Passes its input through unchanged (n8n's No Op). */
export class HarnessNoOp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'No Operation',
		name: 'noOp',
		group: ['organization'],
		version: 1,
		description: 'Passes items through',
		defaults: { name: 'No Op' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

export function descriptionOf(type: AnyNodeType): INodeTypeDescription {
	return type.description as INodeTypeDescription;
}

/** The node type names under which a package node is known to real n8n. */
export function aliasesFor(name: string): string[] {
	return [name, `CUSTOM.${name}`, `${PACKAGE_NAME}.${name}`];
}

export class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, AnyNodeType | (() => AnyNodeType)>();

	/** Registers a type under its description name (and the given extra names). */
	add(type: AnyNodeType, names: string[] = [descriptionOf(type).name]): this {
		for (const name of names) this.types.set(name, type);
		return this;
	}

	/** Registers a type that is only loaded when a workflow uses it (a broken node breaks only its tests). */
	addLazy(load: () => AnyNodeType, names: string[]): this {
		let loaded: AnyNodeType | undefined;
		const once = () => (loaded ??= load());
		for (const name of names) this.types.set(name, once);
		return this;
	}

	has(name: string): boolean {
		return this.types.has(name);
	}

	names(): string[] {
		return [...this.types.keys()];
	}

	getByName(nodeType: string): AnyNodeType {
		const type = this.types.get(nodeType);
		if (!type) throw new Error(`Harness: unknown node type "${nodeType}" (known: ${this.names().join(', ')})`);
		return typeof type === 'function' ? type() : type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

/** Source file of a compiled entry: `dist/nodes/X/X.node.js` → `<root>/nodes/X/X.node.ts`. */
export function sourceOf(distEntry: string): string {
	return path.join(PACKAGE_ROOT, distEntry.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
}

/** The class a `X.node.ts` / `X.credentials.ts` file exports (named after the file, n8n's convention). */
function loadClass<T>(file: string): new () => T {
	const mod = require(file) as Record<string, unknown>;
	const className = path.basename(file).replace(/\.(node|credentials)\.(ts|js)$/, '');
	const cls = mod[className] ?? Object.values(mod).find((v) => typeof v === 'function');
	if (typeof cls !== 'function') throw new Error(`Harness: ${file} exports no class ${className}`);
	return cls as new () => T;
}

function listSources(dir: string, suffix: string, depth: number): string[] {
	const root = path.join(PACKAGE_ROOT, dir);
	if (!fs.existsSync(root)) return [];
	const found: string[] = [];
	const walk = (d: string, left: number) => {
		for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
			const full = path.join(d, entry.name);
			if (entry.isDirectory() && left > 0) walk(full, left - 1);
			else if (entry.isFile() && entry.name.endsWith(suffix)) found.push(full);
		}
	};
	walk(root, depth);
	return found.sort();
}

/** `package.json` → `n8n` section. */
export function packageN8nSection(): { nodes: string[]; credentials: string[] } {
	const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
		n8n?: { nodes?: string[]; credentials?: string[] };
	};
	return { nodes: pkg.n8n?.nodes ?? [], credentials: pkg.n8n?.credentials ?? [] };
}

/**
 * Node source files: every `nodes/<Name>/<Name>.node.ts` (so a node is testable before it is listed in
 * package.json) plus whatever package.json lists.
 */
export function packageNodeSources(): string[] {
	const listed = packageN8nSection().nodes.map(sourceOf);
	const onDisk = listSources('nodes', '.node.ts', 1);
	return [...new Set([...listed, ...onDisk])];
}

export function packageCredentialSources(): string[] {
	const listed = packageN8nSection().credentials.map(sourceOf);
	const onDisk = listSources('credentials', '.credentials.ts', 0);
	return [...new Set([...listed, ...onDisk])];
}

const packageNodes = new Map<string, AnyNodeType>();
let packageCredentials: ICredentialType[] | undefined;

/** One package node type, loaded from its source file once per test file. */
export function loadPackageNodeType(file: string): AnyNodeType {
	let type = packageNodes.get(file);
	if (!type) {
		type = new (loadClass<AnyNodeType>(file))();
		packageNodes.set(file, type);
	}
	return type;
}

/** The type name n8n's convention derives from the file: `nodes/WhatsAppTemplates/WhatsAppTemplates.node.ts` → `whatsAppTemplates`. */
export function nodeTypeNameOf(file: string): string {
	const className = path.basename(file).replace(/\.node\.(ts|js)$/, '');
	return className.charAt(0).toLowerCase() + className.slice(1);
}

/** Every package node type (loads them all). */
export function loadPackageNodeTypes(): AnyNodeType[] {
	return packageNodeSources().map(loadPackageNodeType);
}

export function loadPackageCredentialTypes(): ICredentialType[] {
	packageCredentials ??= packageCredentialSources().map((file) => new (loadClass<ICredentialType>(file))());
	return packageCredentials;
}

/**
 * A registry with the harness core types, the package's node types, and `extra` (instances, or a map of
 * type name → instance for types that must answer to a specific name).
 */
export function buildNodeTypes(extra: AnyNodeType[] | Record<string, AnyNodeType> = []): HarnessNodeTypes {
	const registry = new HarnessNodeTypes();
	const trigger = new HarnessManualTrigger();
	registry.add(trigger, ['manualTrigger', 'n8n-nodes-base.manualTrigger', 'n8n-nodes-base.start']);
	registry.add(new HarnessNoOp(), ['noOp', 'n8n-nodes-base.noOp']);
	for (const file of packageNodeSources()) registry.addLazy(() => loadPackageNodeType(file), aliasesFor(nodeTypeNameOf(file)));
	if (Array.isArray(extra)) for (const type of extra) registry.add(type, aliasesFor(descriptionOf(type).name));
	else for (const [name, type] of Object.entries(extra)) registry.add(type, [name]);
	return registry;
}
