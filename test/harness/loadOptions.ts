/**
 * Calls a node's `methods.listSearch` / `methods.loadOptions` / `methods.resourceMapping` function
 * (resource locators, dropdowns, resource mappers) through n8n-core's LoadOptionsContext, as the
 * editor does.
 *
 *   const { results } = await runListSearch(new WhatsAppTemplates(), params, 'searchTemplates', creds, { filter: 'order' });
 */
import { LoadOptionsContext } from 'n8n-core';
import type { INodeListSearchResult, INodePropertyOptions, ResourceMapperFields } from 'n8n-workflow';
import type { CredentialsMap } from './credentials';
import { AnyNodeType, descriptionOf } from './nodeTypes';
import { buildWorkflow, createHarnessContext, HarnessParameters, RunWorkflowOptions } from './workflow';

export interface LoadOptionsRunOptions extends Pick<RunWorkflowOptions, 'nodeTypes' | 'credentialTypes'> {
	/** The parameter being edited (`currentNodeParameter` path), e.g. `parameters.template`. */
	path?: string;
	typeVersion?: number;
}

function contextFor(nodeType: AnyNodeType, parameters: HarnessParameters, credentials: CredentialsMap, options: LoadOptionsRunOptions) {
	const description = descriptionOf(nodeType);
	const extra = Array.isArray(options.nodeTypes) ? [...options.nodeTypes, nodeType] : { ...(options.nodeTypes ?? {}), [description.name]: nodeType };
	const context = createHarnessContext({ credentials, nodeTypes: extra, credentialTypes: options.credentialTypes });
	const name = (description.defaults.name as string | undefined) ?? description.displayName;
	const workflow = buildWorkflow(context, {
		nodes: [{ name, type: description.name, typeVersion: options.typeVersion, parameters }],
		credentials,
	});
	const node = workflow.getNode(name)!;
	context.additionalData.currentNodeParameters = node.parameters;
	return new LoadOptionsContext(workflow, node, context.additionalData, options.path ?? 'parameters');
}

type MethodKind = 'listSearch' | 'loadOptions' | 'resourceMapping';

/** Calls the node's `methods.<kind>.<name>` with a LoadOptionsContext built from the parameters. */
async function callMethod<R>(
	kind: MethodKind,
	call: { nodeType: AnyNodeType; parameters: HarnessParameters; name: string; credentials: CredentialsMap; options: LoadOptionsRunOptions },
	...args: unknown[]
): Promise<R> {
	const { nodeType, name, options } = call;
	const type = 'nodeVersions' in nodeType ? nodeType.getNodeType(options.typeVersion) : nodeType;
	const fn = (type.methods?.[kind] as Record<string, unknown> | undefined)?.[name];
	if (typeof fn !== 'function') throw new Error(`Harness: node type has no methods.${kind}.${name}`);
	return await (fn as (this: LoadOptionsContext, ...a: unknown[]) => Promise<R>).call(contextFor(nodeType, call.parameters, call.credentials, options), ...args);
}

/** The harness's call shape for one node method: node, its parameters, the method's name, credentials, options. */
type MethodRunner<R, O extends LoadOptionsRunOptions = LoadOptionsRunOptions> = (
	nodeType: AnyNodeType,
	parameters: HarnessParameters,
	name: string,
	credentials?: CredentialsMap,
	options?: O,
) => Promise<R>;

/** A resource locator's search (`filter`, `paginationToken` as the editor passes them). */
export const runListSearch: MethodRunner<INodeListSearchResult, LoadOptionsRunOptions & { filter?: string; paginationToken?: string }> = (nodeType, parameters, name, credentials = {}, options = {}) =>
	callMethod('listSearch', { nodeType, parameters, name, credentials, options }, options.filter, options.paginationToken);

export const runLoadOptions: MethodRunner<INodePropertyOptions[]> = (nodeType, parameters, name, credentials = {}, options = {}) =>
	callMethod('loadOptions', { nodeType, parameters, name, credentials, options });

export const runResourceMapping: MethodRunner<ResourceMapperFields> = (nodeType, parameters, name, credentials = {}, options = {}) =>
	callMethod('resourceMapping', { nodeType, parameters, name, credentials, options });
