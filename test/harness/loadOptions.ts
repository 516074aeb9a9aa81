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

function method<T>(nodeType: AnyNodeType, kind: 'listSearch' | 'loadOptions' | 'resourceMapping', name: string, typeVersion?: number): T {
	const type = 'nodeVersions' in nodeType ? nodeType.getNodeType(typeVersion) : nodeType;
	const fn = (type.methods?.[kind] as Record<string, unknown> | undefined)?.[name];
	if (typeof fn !== 'function') throw new Error(`Harness: node type has no methods.${kind}.${name}`);
	return fn as T;
}

export async function runListSearch(
	nodeType: AnyNodeType,
	parameters: HarnessParameters,
	name: string,
	credentials: CredentialsMap = {},
	options: LoadOptionsRunOptions & { filter?: string; paginationToken?: string } = {},
): Promise<INodeListSearchResult> {
	const fn = method<(this: LoadOptionsContext, filter?: string, token?: string) => Promise<INodeListSearchResult>>(nodeType, 'listSearch', name, options.typeVersion);
	return await fn.call(contextFor(nodeType, parameters, credentials, options), options.filter, options.paginationToken);
}

export async function runLoadOptions(
	nodeType: AnyNodeType,
	parameters: HarnessParameters,
	name: string,
	credentials: CredentialsMap = {},
	options: LoadOptionsRunOptions = {},
): Promise<INodePropertyOptions[]> {
	const fn = method<(this: LoadOptionsContext) => Promise<INodePropertyOptions[]>>(nodeType, 'loadOptions', name, options.typeVersion);
	return await fn.call(contextFor(nodeType, parameters, credentials, options));
}

export async function runResourceMapping(
	nodeType: AnyNodeType,
	parameters: HarnessParameters,
	name: string,
	credentials: CredentialsMap = {},
	options: LoadOptionsRunOptions = {},
): Promise<ResourceMapperFields> {
	const fn = method<(this: LoadOptionsContext) => Promise<ResourceMapperFields>>(nodeType, 'resourceMapping', name, options.typeVersion);
	return await fn.call(contextFor(nodeType, parameters, credentials, options));
}
